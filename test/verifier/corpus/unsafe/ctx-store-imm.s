; stores an immediate into the context
; expect: invalid bpf_context access off=4 size=4
*(u32 *)(r1 + 4) = 1
r0 = 0
exit
