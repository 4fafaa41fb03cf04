; jumps into the second slot of lddw
; expect: middle of lddw
r0 = 0
goto +1
r1 = 0x100000000 ll
exit
