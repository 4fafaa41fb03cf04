; map_delete_elem with a key on the stack
; expect: accepted
.map counts hash key=4 value=8 entries=16

*(u32 *)(r10 - 4) = 7
r2 = r10
r2 += -4
r1 = map[counts] ll
call bpf_map_delete_elem
r0 = 0
exit
