; data + 0xffff >= data_end leaves 0x10000 bytes proven on the fall-through: the last byte MAX_PACKET_OFF allows
; expect: accepted
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r4 = r2
r4 += 0xffff
r0 = 0
if r4 >= r3 goto out
r5 = r2
r5 += 0xffff
r0 = *(u8 *)(r5 + 0)
out:
exit
