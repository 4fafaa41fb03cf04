; calls a helper id Sluice does not offer
; expect: invalid func unknown#999
call 999
r0 = 0
exit
