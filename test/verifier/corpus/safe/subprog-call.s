; a function gets r1..r5 and returns a number; r6..r9 survive the call
; expect: accepted
r6 = 6
r1 = 1
r2 = 2
call add
r0 += r6
exit
add:
r0 = r1
r0 += r2
exit
