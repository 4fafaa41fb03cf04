; reads and writes a .data global through map_value
; expect: accepted
.map data array key=4 value=16 entries=1 init=01000000000000000200000000000000
r1 = map[data][0]+8 ll
r0 = *(u64 *)(r1 + 0)
r0 += 1
*(u64 *)(r1 + 0) = r0
r0 = 0
exit
