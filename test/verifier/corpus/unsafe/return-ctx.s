; returns the context pointer
; expect: R0 leaks addr as return value
; kernel: accepts (root may return a pointer from an XDP program)
r0 = r1
exit
