; a constant 32-bit shift by 32 is refused at the ALU check
; expect: insn #1: w0 <<= 0x20: invalid shift 32
w0 = 1
w0 <<= 32
exit
