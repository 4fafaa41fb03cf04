; trace_printk with a masked variable size
; expect: accepted
*(u64 *)(r10 - 16) = 1
*(u64 *)(r10 - 8) = 2
r2 = *(u32 *)(r1 + 16)
r2 &= 15
r2 += 1
r1 = r10
r1 += -16
r3 = 0
r4 = 0
r5 = 0
call bpf_trace_printk
r0 = 0
exit
