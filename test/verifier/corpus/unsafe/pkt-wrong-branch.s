; reads on the branch where data + 8 > data_end
; expect: invalid access to packet
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)

r4 = r2
r4 += 8
r0 = 0
if r4 > r3 goto read
exit
read:
r0 = *(u8 *)(r2 + 0)
exit
