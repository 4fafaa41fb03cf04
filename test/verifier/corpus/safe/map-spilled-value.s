; spills a checked value pointer across a helper call and uses the fill
; expect: accepted
.map counts hash key=4 value=8 entries=16
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map[counts] ll
call bpf_map_lookup_elem

if r0 == 0 goto out
*(u64 *)(r10 - 16) = r0
call bpf_ktime_get_ns
r1 = *(u64 *)(r10 - 16)
r0 = *(u64 *)(r1 + 0)
out:
exit
