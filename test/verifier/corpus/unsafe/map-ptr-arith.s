; moves a map reference
; expect: pointer arithmetic on map_ptr prohibited
.map counts hash key=4 value=8 entries=16

r1 = map[counts] ll
r1 += 8
r0 = 0
exit
