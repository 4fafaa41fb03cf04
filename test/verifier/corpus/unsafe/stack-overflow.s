; writes 520 bytes below the frame pointer (the stack is 512 bytes)
; expect: invalid stack access off=-520
r1 = 0
*(u64 *)(r10 - 520) = r1
r0 = 0
exit
