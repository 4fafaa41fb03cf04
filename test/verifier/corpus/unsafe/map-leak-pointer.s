; stores the context pointer into a map value
; expect: leaks addr into map
; kernel: accepts (root may leak addresses into maps)
.map counts hash key=4 value=8 entries=16

r6 = r1
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map[counts] ll
call bpf_map_lookup_elem

if r0 == 0 goto out
*(u64 *)(r0 + 0) = r6
out:
r0 = 0
exit
