; data + 0 >= data_end proves nothing on the fall-through: Linux gives no range to an open right end at offset 0
; expect: invalid access to packet
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r0 = 0
if r2 >= r3 goto out
r0 = *(u8 *)(r2 + 0)
out:
exit
