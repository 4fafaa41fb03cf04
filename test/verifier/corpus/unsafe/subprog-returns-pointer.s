; a function returns a pointer to its caller
; expect: must be a scalar
; kernel: accepts (root may return pointers from functions)
call f
r0 = 0
exit
f:
r0 = r1
exit
