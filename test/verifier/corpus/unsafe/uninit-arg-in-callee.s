; the callee reads r2, which the caller never set
; expect: R2 !read_ok
r1 = 1
call f
exit
f:
r0 = r2
exit
