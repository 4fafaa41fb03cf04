; byte swaps and shifts on numbers
; expect: accepted
r0 = *(u32 *)(r1 + 16)
r0 = be16 r0
r2 = 0x1122334455667788 ll
r2 = bswap64 r2
r2 >>= 60
r0 += r2
r0 = le32 r0
exit
