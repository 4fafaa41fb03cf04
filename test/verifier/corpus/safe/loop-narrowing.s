; a loop whose state at the head narrows each time (0..255, 0..127, ...) ends; Linux walks it to the end
; expect: accepted
r1 = *(u32 *)(r1 + 16)
r1 &= 255
loop:
if r1 == 0 goto out
r1 >>= 1
goto loop
out:
r0 = 0
exit
