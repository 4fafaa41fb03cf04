; a variable offset over fully initialised stack
; expect: accepted
*(u64 *)(r10 - 16) = 1
*(u64 *)(r10 - 8) = 2
r2 = *(u32 *)(r1 + 16)
r2 &= 8
r3 = r10
r3 += r2
r0 = *(u64 *)(r3 - 16)
exit
