; bpf_loop with a callback that counts into a struct on the caller stack
; expect: accepted
*(u64 *)(r10 - 8) = 0
r1 = 16
r2 = func[cb] ll
r3 = r10
r3 += -8
r4 = 0
call bpf_loop
r0 = *(u64 *)(r10 - 8)
exit
cb:
r3 = *(u64 *)(r2 + 0)
r3 += r1
*(u64 *)(r2 + 0) = r3
r0 = 0
exit
