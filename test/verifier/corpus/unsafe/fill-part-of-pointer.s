; a 4-byte fill of a spilled context pointer would be a scalar holding half an address
; expect: insn #1: r0 = *(u32 *)(r10 - 0x8): invalid size of register fill
*(u64 *)(r10 - 8) = r1
r0 = *(u32 *)(r10 - 8)
exit
