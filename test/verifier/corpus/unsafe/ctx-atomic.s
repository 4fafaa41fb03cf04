; an atomic add on the context
; expect: invalid bpf_context access
r2 = 1
lock *(u32 *)(r1 + 0) += r2
r0 = 0
exit
