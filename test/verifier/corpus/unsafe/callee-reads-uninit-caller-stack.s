; a function reads its caller's stack slot that was never written
; expect: invalid read from stack
; kernel: accepts (root may read uninitialised stack)
r1 = r10
r1 += -8
call f
exit
f:
r0 = *(u64 *)(r1 + 0)
exit
