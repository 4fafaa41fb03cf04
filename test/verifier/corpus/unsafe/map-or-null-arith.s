; moves the lookup result before the NULL check
; expect: pointer arithmetic on map_value_or_null prohibited
.map counts hash key=4 value=8 entries=16
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map[counts] ll
call bpf_map_lookup_elem

r0 += 8
if r0 == 0 goto out
r0 = *(u64 *)(r0 + 0)
out:
exit
