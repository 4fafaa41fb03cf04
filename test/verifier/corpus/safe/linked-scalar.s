; a bound learnt on a copy also bounds the original
; expect: accepted
.map big array key=4 value=72 entries=4

r6 = r1
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map[big] ll
call bpf_map_lookup_elem
if r0 == 0 goto out
r7 = r0
call bpf_get_prandom_u32
r2 = r0
r3 = r2
if r3 > 63 goto out
r7 += r2
r0 = *(u8 *)(r7 + 0)
out:
r0 = 0
exit
