; passes a number where the map belongs
; expect: expected=map_ptr
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = 0
call bpf_map_lookup_elem
r0 = 0
exit
