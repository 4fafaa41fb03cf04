; signed checks on both sides bound the offset
; expect: accepted
.map big array key=4 value=72 entries=4

r6 = r1
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map[big] ll
call bpf_map_lookup_elem
if r0 == 0 goto out
r6 = r0
call bpf_get_prandom_u32
if r0 s< 0 goto out
if r0 s> 64 goto out
r6 += r0
r0 = *(u8 *)(r6 + 0)
out:
r0 = 0
exit
