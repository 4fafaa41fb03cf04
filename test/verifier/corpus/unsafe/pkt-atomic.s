; an atomic add into the chunk is a write
; expect: cannot write into packet
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)

r4 = r2
r4 += 8
r0 = 0
if r4 > r3 goto out
r5 = 1
lock *(u32 *)(r2 + 0) += r5
out:
exit
