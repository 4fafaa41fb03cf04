; hands trace_printk a size that may be 4 GiB
; expect: unbounded memory access
*(u64 *)(r10 - 8) = 0
r2 = *(u32 *)(r1 + 16)
r2 += 1
r1 = r10
r1 += -8
r3 = 0
r4 = 0
r5 = 0
call bpf_trace_printk
r0 = 0
exit
