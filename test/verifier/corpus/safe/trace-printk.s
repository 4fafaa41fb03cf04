; trace_printk of an initialised stack buffer with a constant size
; expect: accepted
*(u64 *)(r10 - 8) = 0x0a6968
r1 = r10
r1 += -8
r2 = 8
r3 = 0
r4 = 0
r5 = 0
call bpf_trace_printk
r0 = 0
exit
