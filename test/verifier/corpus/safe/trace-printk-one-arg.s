; bpf_trace_printk is variadic: a format with no values leaves r3..r5 unset
; expect: accepted
*(u64 *)(r10 - 8) = 0x0a6968
r1 = r10
r1 += -8
r2 = 8
call bpf_trace_printk
r0 = 0
exit
