; adds two pointers
; expect: pointer += pointer prohibited
r1 += r10
r0 = 0
exit
