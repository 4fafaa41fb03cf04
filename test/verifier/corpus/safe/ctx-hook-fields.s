; reads the hook-only fields flags and file_offset (beyond xdp_md)
; expect: accepted
; kernel: refuses (xdp_md ends at byte 24: these fields exist only in Sluice's hook context)
r2 = *(u32 *)(r1 + 24)
r3 = *(u64 *)(r1 + 32)
r0 = r2
r0 += r3
exit
