; exits without setting r0
; expect: R0 !read_ok
r1 = 0
exit
