; proves the range of one packet pointer and reads through an unrelated one with a variable offset
; expect: invalid access to packet
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)

r5 = *(u32 *)(r1 + 16)
r5 &= 7
r6 = r2
r6 += r5
r4 = r2
r4 += 8
r0 = 0
if r4 > r3 goto out
r0 = *(u8 *)(r6 + 0)
out:
exit
