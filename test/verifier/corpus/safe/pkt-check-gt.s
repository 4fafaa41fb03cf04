; the classic data + 8 > data_end check, then an 8-byte read
; expect: accepted
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)

r4 = r2
r4 += 8
r0 = 0
if r4 > r3 goto out
r0 = *(u64 *)(r2 + 0)
out:
exit
