; reads data with a 2-byte load
; expect: invalid bpf_context access off=0 size=2
r0 = *(u16 *)(r1 + 0)
exit
