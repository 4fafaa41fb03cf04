; the NULL check written as != 0
; expect: accepted
.map counts hash key=4 value=8 entries=16
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map[counts] ll
call bpf_map_lookup_elem

if r0 != 0 goto use
r0 = 0
exit
use:
r0 = *(u64 *)(r0 + 0)
exit
