; the refused read sits behind a branch that can never be taken
; expect: accepted
r0 = 1
if r0 == 0 goto bad
exit
bad:
r0 = *(u64 *)(r1 + 100)
exit
