; reads a stack slot never written
; expect: invalid read from stack
; kernel: accepts (root may read uninitialised stack)
r0 = *(u64 *)(r10 - 8)
exit
