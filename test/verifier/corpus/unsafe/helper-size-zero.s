; trace_printk needs at least one byte
; expect: invalid zero-sized read
*(u64 *)(r10 - 8) = 0
r1 = r10
r1 += -8
r2 = 0
call bpf_trace_printk
r0 = 0
exit
