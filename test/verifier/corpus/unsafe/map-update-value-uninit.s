; the value handed to map_update_elem was never written
; expect: invalid indirect read from stack
; kernel: accepts (root may pass uninitialised stack to helpers)
.map counts hash key=4 value=8 entries=16

*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r3 = r10
r3 += -16
r4 = 0
r1 = map[counts] ll
call bpf_map_update_elem
r0 = 0
exit
