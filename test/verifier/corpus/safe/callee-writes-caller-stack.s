; a function writes through a pointer to its caller's stack; the caller reads it back
; expect: accepted
r1 = r10
r1 += -8
call f
r0 = *(u64 *)(r10 - 8)
exit
f:
r2 = 42
*(u64 *)(r1 + 0) = r2
r0 = 0
exit
