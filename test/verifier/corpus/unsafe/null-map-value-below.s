; a map value moved below its region may be 0 in Sluice's address space, so both sides are walked
; expect: insn #12: r0 = *(u8 *)(r7 + 0x0): R7 !read_ok
; kernel: accepts (Linux calls every map value non-null: kernel addresses are never near 0)
.map counts array key=4 value=8 entries=1
r1 = 0
*(u32 *)(r10 - 4) = r1
r2 = r10
r2 += -4
r1 = map[counts] ll
call 1
if r0 == 0 goto out
r0 += -196608
if r0 == 0 goto bad
r0 = 0
exit
bad:
r0 = *(u8 *)(r7 + 0)
exit
out:
r0 = 0
exit
