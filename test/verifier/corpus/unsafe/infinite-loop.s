; jumps to itself forever
; expect: infinite loop detected
; kernel: refuses ("infinite loop detected")
r0 = 0
loop:
goto loop
