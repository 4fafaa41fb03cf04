; adds to a pointer in 32 bits
; expect: 32-bit pointer arithmetic prohibited
w1 += 1
r0 = 0
exit
