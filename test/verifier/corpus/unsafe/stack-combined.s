; five nested calls of 128 bytes each need 640 bytes of stack
; expect: combined stack size
*(u64 *)(r10 - 128) = 0
call f1
r0 = 0
exit
f1:
*(u64 *)(r10 - 128) = 0
call f2
r0 = 0
exit
f2:
*(u64 *)(r10 - 128) = 0
call f3
r0 = 0
exit
f3:
*(u64 *)(r10 - 128) = 0
call f4
r0 = 0
exit
f4:
*(u64 *)(r10 - 128) = 0
r0 = 0
exit
