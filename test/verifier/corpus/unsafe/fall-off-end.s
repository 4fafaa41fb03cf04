; the last instruction is not exit: execution runs off the end
; expect: not an exit or jmp
r0 = 0
