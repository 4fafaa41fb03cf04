; the callback overwrites a spilled pointer in the caller with a number; the caller then dereferences it
; expect: invalid mem access
*(u64 *)(r10 - 8) = r1
r1 = 4
r2 = func[cb] ll
r3 = r10
r3 += -8
r4 = 0
call bpf_loop
r1 = *(u64 *)(r10 - 8)
r0 = *(u32 *)(r1 + 0)
exit
cb:
r3 = 7
*(u64 *)(r2 + 0) = r3
r0 = 0
exit
