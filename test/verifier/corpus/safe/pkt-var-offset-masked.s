; a masked variable offset into the chunk, checked against data_end through the same pointer
; expect: accepted
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)

r5 = *(u32 *)(r1 + 16)
r5 &= 15
r2 += r5
r4 = r2
r4 += 4
r0 = 0
if r4 > r3 goto out
r0 = *(u32 *)(r2 + 0)
out:
exit
