; proves 4 bytes but reads a u32 at offset 1 (bytes 1..4)
; expect: invalid access to packet
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)

r4 = r2
r4 += 4
r0 = 0
if r4 > r3 goto out
r0 = *(u32 *)(r2 + 1)
out:
exit
