; reads data as a u64
; expect: invalid bpf_context access off=0 size=8
r0 = *(u64 *)(r1 + 0)
exit
