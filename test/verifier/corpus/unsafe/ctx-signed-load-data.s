; a sign-extending load of the data pointer field
; expect: invalid bpf_context access
r0 = *(s32 *)(r1 + 0)
exit
