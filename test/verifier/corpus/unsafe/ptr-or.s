; ors a stack pointer
; expect: pointer arithmetic with |= operator prohibited
r2 = r10
r2 |= 1
r0 = 0
exit
