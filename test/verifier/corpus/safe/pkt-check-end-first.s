; the same check written data_end < data + 8
; expect: accepted
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)

r4 = r2
r4 += 8
r0 = 0
if r3 < r4 goto out
r0 = *(u32 *)(r2 + 4)
out:
exit
