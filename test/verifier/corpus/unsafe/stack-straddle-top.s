; a u64 at fp-4 straddles the top of the stack
; expect: invalid stack access off=-4
*(u64 *)(r10 - 4) = 0
r0 = 0
exit
