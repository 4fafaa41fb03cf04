; division and modulo by a register that may be zero are defined (0 and the dividend)
; expect: accepted
r2 = *(u32 *)(r1 + 16)
r0 = 100
r0 /= r2
r3 = 7
r3 %= r2
r0 += r3
exit
