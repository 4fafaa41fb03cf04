; bounds the offset from above only (signed): it may be negative
; expect: math between map_value pointer and register with unbounded min value is not allowed
.map counts hash key=4 value=8 entries=16
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map[counts] ll
call bpf_map_lookup_elem

if r0 == 0 goto out
r6 = r0
call bpf_get_prandom_u32
r2 = r0
r2 <<= 32
if r2 s> 4 goto out
r6 += r2
r0 = *(u8 *)(r6 + 0)
out:
r0 = 0
exit
