; orders a stack pointer against the context pointer
; expect: pointer comparison prohibited
; kernel: accepts (root may compare pointers)
r0 = 0
r2 = r10
if r2 > r1 goto out
r0 = 1
out:
exit
