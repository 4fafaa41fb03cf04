; multiplies a pointer
; expect: pointer arithmetic with *= operator prohibited
r1 *= 2
r0 = 0
exit
