; r2 &= 63 bounds the offset into a 72-byte value
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
r2 &= 63
r0 += r2
r0 = *(u64 *)(r0 + 0)
out:
exit
