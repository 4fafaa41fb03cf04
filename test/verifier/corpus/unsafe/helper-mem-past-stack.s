; asks trace_printk to read 16 bytes from fp-8
; expect: invalid indirect access to stack
*(u64 *)(r10 - 8) = 0
r1 = r10
r1 += -8
r2 = 16
call bpf_trace_printk
r0 = 0
exit
