; moves the context pointer and then dereferences it
; expect: dereference of modified ctx ptr
r1 += 4
r0 = *(u32 *)(r1 + 0)
exit
