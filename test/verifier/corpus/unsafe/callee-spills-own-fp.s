; a function stores a pointer to its own frame into its caller's stack
; expect: cannot spill pointers to stack into stack frame of the caller
r1 = r10
r1 += -8
call f
r0 = 0
exit
f:
r2 = r10
r2 += -8
*(u64 *)(r1 + 0) = r2
r0 = 0
exit
