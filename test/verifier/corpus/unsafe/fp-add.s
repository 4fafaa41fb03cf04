; moves the frame pointer
; expect: frame pointer is read only
r10 += -8
r0 = 0
exit
