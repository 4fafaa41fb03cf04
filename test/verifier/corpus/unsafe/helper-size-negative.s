; the size may be negative
; expect: min value is negative
*(u64 *)(r10 - 8) = 0
call bpf_get_prandom_u32
r2 = r0
r2 <<= 32
r2 s>>= 32
r2 &= -1
if r2 s> 8 goto out
r1 = r10
r1 += -8
call bpf_trace_printk
out:
r0 = 0
exit
