; r6 is set on one path only and read after the join
; expect: R6 !read_ok
r0 = *(u32 *)(r1 + 16)
if r0 > 5 goto skip
r6 = 1
skip:
r0 = r6
exit
