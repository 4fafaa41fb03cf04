; subtracts an unbounded number from the frame pointer; like Linux, the subtraction itself is refused first
; expect: insn #2: r3 -= r2: R3 subtraction from stack pointer prohibited
r2 = *(u32 *)(r1 + 16)
r3 = r10
r3 -= r2
r0 = *(u8 *)(r3 - 1)
exit
