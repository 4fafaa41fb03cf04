; checks the second lookup for NULL but reads through a copy of the first
; expect: invalid mem access 'map_value_or_null'
.map counts hash key=4 value=8 entries=16
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map[counts] ll
call bpf_map_lookup_elem

r6 = r0
*(u32 *)(r10 - 4) = 1
r2 = r10
r2 += -4
r1 = map[counts] ll
call bpf_map_lookup_elem
if r0 == 0 goto out
r0 = *(u64 *)(r6 + 0)
out:
exit
