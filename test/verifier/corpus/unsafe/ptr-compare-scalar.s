; compares the context pointer with a number
; expect: pointer comparison prohibited
; kernel: accepts (root may compare pointers with numbers)
r0 = 0
if r1 > 5 goto out
r0 = 1
out:
exit
