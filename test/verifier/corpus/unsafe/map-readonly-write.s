; writes a read-only global (.rodata)
; expect: read-only
.map rodata array key=4 value=8 entries=1 readonly init=0100000000000000
r1 = map[rodata][0]+0 ll
r2 = 5
*(u64 *)(r1 + 0) = r2
r0 = 0
exit
