; spills a checked packet pointer and reads through the filled copy
; expect: accepted
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)

r4 = r2
r4 += 8
r0 = 0
if r4 > r3 goto out
*(u64 *)(r10 - 8) = r2
r5 = *(u64 *)(r10 - 8)
r0 = *(u64 *)(r5 + 0)
out:
exit
