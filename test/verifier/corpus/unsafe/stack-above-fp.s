; writes at the frame pointer, above the stack
; expect: invalid stack access off=0
*(u64 *)(r10 + 0) = 0
r0 = 0
exit
