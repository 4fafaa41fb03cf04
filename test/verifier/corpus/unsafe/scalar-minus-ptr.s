; subtracts a pointer from a number
; expect: tried to subtract pointer from scalar
r2 = 5
r2 -= r1
r0 = 0
exit
