; reads r2, which was never written
; expect: R2 !read_ok
r0 = r2
exit
