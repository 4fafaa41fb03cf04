; bpf_loop with no context
; expect: accepted
r1 = 8
r2 = func[cb] ll
r3 = 0
r4 = 0
call bpf_loop
exit
cb:
r0 = 1
exit
