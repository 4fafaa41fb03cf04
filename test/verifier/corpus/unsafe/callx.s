; callx (opcode 0x8d) is not in Linux's instruction table
; expect: insn #1: callx r1: unknown opcode 8d
r1 = 1
callx r1
r0 = 0
exit
