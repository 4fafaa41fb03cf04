; a 32-bit bound on a zero-extended u32 bounds the 64-bit offset
; expect: accepted
.map big array key=4 value=72 entries=4

r6 = r1
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map[big] ll
call bpf_map_lookup_elem
if r0 == 0 goto out
r2 = *(u32 *)(r6 + 16)
if w2 > 63 goto out
r0 += r2
r0 = *(u64 *)(r0 + 0)
out:
r0 = 0
exit
