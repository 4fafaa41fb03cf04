; writes into the chunk, which Sluice keeps read-only
; expect: cannot write into packet
; kernel: accepts (XDP programs may write packet data; Sluice chunks are read-only)
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)

r4 = r2
r4 += 8
r0 = 0
if r4 > r3 goto out
*(u8 *)(r2 + 0) = 1
out:
exit
