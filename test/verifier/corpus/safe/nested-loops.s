; two nested bounded loops
; expect: accepted
r0 = 0
r2 = 0
outer:
r3 = 0
inner:
r0 += r3
r3 += 1
if r3 < 4 goto inner
r2 += 1
if r2 < 4 goto outer
exit
