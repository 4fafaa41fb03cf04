; a 2-byte spill of a pointer
; expect: insn #0: *(u16 *)(r10 - 0x8) = r1: invalid size of register spill
*(u16 *)(r10 - 8) = r1
r0 = 0
exit
