; the callback reads 8 bytes past its context struct on the caller stack
; expect: invalid
*(u64 *)(r10 - 8) = 0
r1 = 4
r2 = func[cb] ll
r3 = r10
r3 += -8
r4 = 0
call bpf_loop
r0 = 0
exit
cb:
r0 = *(u64 *)(r2 + 8)
r0 = 0
exit
