; a u64 at fp-4 straddles the top of the stack; like Linux, the misalignment is found first
; expect: misaligned stack access off 0+0+-4 size 8
*(u64 *)(r10 - 4) = 0
r0 = 0
exit
