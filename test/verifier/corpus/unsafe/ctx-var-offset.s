; adds a variable to the context pointer and dereferences it
; expect: variable ctx access
r2 = *(u32 *)(r1 + 16)
r2 &= 4
r1 += r2
r0 = *(u32 *)(r1 + 0)
exit
