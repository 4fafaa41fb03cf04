; jumps past the end of the program
; expect: jump out of range
r0 = 0
goto +5
exit
