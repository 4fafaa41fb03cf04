; a function that calls itself
; expect: recursive call
call f
r0 = 0
exit
f:
call f
r0 = 0
exit
