; the key pointer is fp+0: the 4 key bytes are above the stack
; expect: invalid indirect access to stack
.map counts hash key=4 value=8 entries=16

r2 = r10
r1 = map[counts] ll
call bpf_map_lookup_elem
r0 = 0
exit
