; data + 0xffff + 0x13 <= data_end proves nothing: the compared pointer lies past MAX_PACKET_OFF (finding 019)
; expect: invalid access to packet
r6 = r1
r2 = *(u32 *)(r6 + 0)
r3 = *(u32 *)(r6 + 4)
r2 += 0xffff
r4 = r2
r4 += 0x13
r0 = 2
if r4 <= r3 goto read
goto out
read:
r7 = *(u32 *)(r2 + 0)
out:
exit
