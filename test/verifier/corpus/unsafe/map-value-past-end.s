; reads a u64 at offset 4 of an 8-byte value
; expect: invalid access to map value
.map counts hash key=4 value=8 entries=16
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map[counts] ll
call bpf_map_lookup_elem

if r0 == 0 goto out
r0 = *(u64 *)(r0 + 4)
out:
exit
