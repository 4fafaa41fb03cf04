; sums up to 16 bytes, checking data_end on every iteration
; expect: accepted
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)

r0 = 0
r5 = 0
loop:
r4 = r2
r4 += 1
if r4 > r3 goto out
r6 = *(u8 *)(r2 + 0)
r0 += r6
r2 += 1
r5 += 1
if r5 < 16 goto loop
out:
exit
