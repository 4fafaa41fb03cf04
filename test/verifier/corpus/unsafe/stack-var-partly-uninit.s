; a variable offset may read the uninitialised half
; expect: invalid read from stack
; kernel: accepts (root may read uninitialised stack)
*(u64 *)(r10 - 8) = 0
r2 = *(u32 *)(r1 + 16)
r2 &= 8
r3 = r10
r3 += r2
r0 = *(u64 *)(r3 - 16)
exit
