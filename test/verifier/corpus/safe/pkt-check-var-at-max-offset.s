; data + i + 1 <= data_end for i up to 0xfffe proves byte i: i + 1 stays within MAX_PACKET_OFF
; expect: accepted
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r5 = *(u32 *)(r1 + 16)
r0 = 0
r5 &= 0xffff
if r5 > 0xfffe goto out
r2 += r5
r4 = r2
r4 += 1
r0 = 0
if r4 > r3 goto out
r0 = *(u8 *)(r2 + 0)
out:
exit
