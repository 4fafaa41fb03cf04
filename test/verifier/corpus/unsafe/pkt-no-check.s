; reads the chunk without comparing against data_end at all
; expect: invalid access to packet
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)

r0 = *(u8 *)(r2 + 0)
exit
