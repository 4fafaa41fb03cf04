; passes an uninitialised stack slot as the key
; expect: invalid indirect read from stack
; kernel: accepts (root may pass uninitialised stack to helpers)
.map counts hash key=4 value=8 entries=16

r2 = r10
r2 += -4
r1 = map[counts] ll
call bpf_map_lookup_elem
r0 = 0
exit
