; code after exit that no jump reaches
; expect: unreachable insn 2
r0 = 0
exit
r0 = 1
exit
