; adds an unbounded 32-bit number to a value pointer
; expect: unbounded memory access
; kernel: refuses with "R0 unbounded memory access" or "invalid access to map value"
.map counts hash key=4 value=8 entries=16

r6 = r1
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map[counts] ll
call bpf_map_lookup_elem

if r0 == 0 goto out
r5 = *(u32 *)(r6 + 16)
r0 += r5
r0 = *(u8 *)(r0 + 0)
out:
exit
