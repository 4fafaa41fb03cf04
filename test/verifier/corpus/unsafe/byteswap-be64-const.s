; be64 of a constant above 2^32: the byte swap works on all 64 bits, so the context store is reached
; expect: insn #5: *(u32 *)(r6 + 0x0) = 0x0: invalid bpf_context access off=0 size=4
r6 = r1
r1 = 0x100000000 ll
r1 = be64 r1
if r1 == 0 goto ok
*(u32 *)(r6 + 0) = 0
ok:
r0 = 0
exit
