; adds an unbounded number to the frame pointer
; expect: unbounded memory access
; kernel: refuses (unbounded variable stack access)
r2 = *(u32 *)(r1 + 16)
r3 = r10
r3 -= r2
r0 = *(u8 *)(r3 - 1)
exit
