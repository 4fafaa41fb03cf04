; data + 8 >= data_end falls through with 9 bytes proven; reading u64 at offset 2 needs 10
; expect: invalid access to packet
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)

r4 = r2
r4 += 8
r0 = 0
if r4 >= r3 goto out
r0 = *(u64 *)(r2 + 2)
out:
exit
