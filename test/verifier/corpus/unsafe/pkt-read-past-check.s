; reads byte 8 after proving only bytes 0..7 are in the chunk
; expect: invalid access to packet
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)

r4 = r2
r4 += 8
r0 = 0
if r4 > r3 goto out
r0 = *(u8 *)(r2 + 8)
out:
exit
