; counts down from a 32-bit context value: billions of iterations
; expect: too complex
; complexity: 20000
r2 = *(u32 *)(r1 + 16)
r0 = 0
loop:
r0 += 1
r2 -= 1
if r2 != 0 goto loop
exit
