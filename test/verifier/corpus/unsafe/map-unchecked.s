; reads a map value without checking the lookup for NULL
; expect: invalid mem access 'map_value_or_null'
.map counts hash key=4 value=8 entries=16
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map[counts] ll
call bpf_map_lookup_elem

r0 = *(u64 *)(r0 + 0)
exit
