; a constant divisor of 0 is refused at the ALU check, whatever the dividend
; expect: insn #1: r0 /= 0x0: div by zero
r0 = 1
r0 /= 0
exit
