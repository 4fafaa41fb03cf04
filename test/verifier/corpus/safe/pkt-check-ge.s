; data + 8 >= data_end leaves 9 bytes proven on the fall-through
; expect: accepted
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)

r4 = r2
r4 += 8
r0 = 0
if r4 >= r3 goto out
r0 = *(u8 *)(r2 + 8)
out:
exit
