; the key is 8 bytes but only 4 are initialised
; expect: invalid indirect read from stack
; kernel: accepts (root may pass uninitialised stack to helpers)
.map wide hash key=8 value=8 entries=16
*(u32 *)(r10 - 8) = 0
r2 = r10
r2 += -8
r1 = map[wide] ll
call bpf_map_lookup_elem
r0 = 0
exit
