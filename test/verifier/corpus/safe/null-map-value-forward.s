; a map value moved forward cannot be 0, so its null check is decided (as in Linux) and the bad side is dead
; expect: accepted
.map counts array key=4 value=8 entries=1
r1 = 0
*(u32 *)(r10 - 4) = r1
r2 = r10
r2 += -4
r1 = map[counts] ll
call 1
if r0 == 0 goto out
r0 += 4
if r0 == 0 goto bad
r0 = 0
exit
bad:
r0 = *(u8 *)(r7 + 0)
exit
out:
r0 = 0
exit
