; a stack pointer moved down by 0x11000 is 0 at run time in Sluice; Linux walks both sides of the check too
; expect: insn #5: *(u32 *)(r1 + 0x0) = 0x0: invalid bpf_context access off=0 size=4
r2 = r10
r2 += -69632
if r2 == 0 goto bad
r0 = 0
exit
bad:
*(u32 *)(r1 + 0) = 0
r0 = 0
exit
