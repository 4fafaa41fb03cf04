; dereferences a number
; expect: invalid mem access 'scalar'
r1 = 4096
r0 = *(u64 *)(r1 + 0)
exit
