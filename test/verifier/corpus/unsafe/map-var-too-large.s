; masks the offset to 0..63 but the value is 72 bytes and the read is 16 bytes wide at most 63+8
; expect: invalid access to map value
.map big array key=4 value=72 entries=4

r6 = r1
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map[big] ll
call bpf_map_lookup_elem
if r0 == 0 goto out
r5 = *(u32 *)(r6 + 16)
r5 &= 127
r0 += r5
r0 = *(u64 *)(r0 + 0)
out:
exit
