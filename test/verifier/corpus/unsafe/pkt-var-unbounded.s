; adds a 32-bit context value to data: the offset is not bounded
; expect: unbounded memory access
; kernel: refuses with "invalid access to packet" (it drops the range of pointers with offsets over 0xffff)
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)

r5 = *(u32 *)(r1 + 16)
r2 += r5
r4 = r2
r4 += 1
r0 = 0
if r4 > r3 goto out
r0 = *(u8 *)(r2 + 0)
out:
exit
