; data + i + 1 <= data_end for i up to 0xffff proves nothing: i + 1 may pass MAX_PACKET_OFF
; expect: invalid access to packet
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r5 = *(u32 *)(r1 + 16)
r5 &= 0xffff
r2 += r5
r4 = r2
r4 += 1
r0 = 0
if r4 > r3 goto out
r0 = *(u8 *)(r2 + 0)
out:
exit
