; reads on the taken side of data + 4 <= data_end
; expect: accepted
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)

r4 = r2
r4 += 4
r0 = 0
if r4 <= r3 goto read
exit
read:
r0 = *(u32 *)(r2 + 0)
exit
