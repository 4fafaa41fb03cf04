; atomics on an initialised stack slot
; expect: accepted
*(u64 *)(r10 - 8) = 5
r1 = 2
lock *(u64 *)(r10 - 8) += r1
r1 = atomic_fetch_add((u64 *)(r10 - 8), r1)
r0 = *(u64 *)(r10 - 8)
exit
