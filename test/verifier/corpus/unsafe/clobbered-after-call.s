; reads r1 after a helper call clobbered it
; expect: R1 !read_ok
call bpf_ktime_get_ns
r0 = r1
exit
