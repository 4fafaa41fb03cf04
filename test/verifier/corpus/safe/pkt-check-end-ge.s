; data_end >= data + 2, taken side
; expect: accepted
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)

r4 = r2
r4 += 2
r0 = 0
if r3 >= r4 goto read
exit
read:
r0 = *(u16 *)(r2 + 0)
exit
