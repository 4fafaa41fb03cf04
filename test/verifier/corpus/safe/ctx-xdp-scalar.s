; reads rx_queue_index, a plain number
; expect: accepted
r0 = *(u32 *)(r1 + 16)
exit
