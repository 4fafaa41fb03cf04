; reads past the end of the context
; expect: invalid bpf_context access off=48
r0 = *(u32 *)(r1 + 48)
exit
