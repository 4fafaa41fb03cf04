; copies the low half of a pointer
; expect: partial copy of pointer
; kernel: accepts (root may copy half a pointer)
w0 = w1
exit
