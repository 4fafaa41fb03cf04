; bpf_loop's callback context must be a stack pointer or NULL
; expect: expected=fp or null
r3 = r1
r1 = 4
r2 = func[cb] ll
r4 = 0
call bpf_loop
r0 = 0
exit
cb:
r0 = 0
exit
