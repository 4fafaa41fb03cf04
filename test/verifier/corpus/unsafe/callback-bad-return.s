; a bpf_loop callback must return 0 or 1
; expect: should have been in [0, 1]
r1 = 4
r2 = func[cb] ll
r3 = 0
r4 = 0
call bpf_loop
r0 = 0
exit
cb:
r0 = 5
exit
