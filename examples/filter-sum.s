; filter-sum.s: a hand-written eBPF program for Sluice's storage hook.
;
; SELECT sum(column S), count(*) FROM file.csv WHERE column F < T
;
; over a CSV file with a header row (skipped), ',' between fields, LF or CRLF line ends, and
; fields in double quotes that may hold ',' and newlines ("" is an escaped quote). Columns F and
; S hold integers (an optional '-' then digits, possibly quoted). F, T and S come from the
; read-only `config` map: u64 F, s64 T, u64 S (here F = 2, T = 50, S = 3; patch `init=` to change).
;
; The program sees the file one chunk at a time (1 byte to 64 KiB). The parser state of the row in
; progress (column, quote state, the digits so far, the two captured values) lives in the `state`
; map, so a row split across chunks continues where it left off. At end of file the node calls
; the program once more with an empty chunk (data == data_end): a row without a final newline is
; finished then. Every chunk is consumed on the node (XDP_DROP); only the state map is the answer.
;
; state (one u64 each): +0 line (0 while in the header row), +8 column, +16 inside quotes,
; +24 digits so far, +32 minus sign seen, +40 value of column F, +48 value of column S,
; +56 sum, +64 count, +72 bytes in the row so far, +80 malformed (bad bytes in F or S, short rows).
; A reader must refuse the answer when malformed is not 0.
;
; Bytes are scanned by bpf_loop (one callback per byte), the way Linux lets a program visit up to
; 64 KiB without unrolling: the callback finds data, data_end, the state pointer and F, S, T in the
; loop context on the main function's stack. The loop asks for 65,536 iterations (the largest chunk)
; and the callback stops it at data_end: verifiers refuse `data_end - data` (pointer minus pointer).
; Packet offsets are 16-bit in both verifiers: a bounds check proves nothing when the compared
; pointer may lie past data + 65,535, so `data + index + 1` serves indexes up to 65,534 and the last
; byte of a full 64 KiB chunk (index 65,535) is checked at the constant offset data + 65,535.

.map state array key=4 value=88 entries=1
.map config array key=4 value=24 entries=1 readonly init=020000000000000032000000000000000300000000000000

main:
        r6 = r1                              ; ctx
        *(u32 *)(r10 - 56) = 0               ; key 0
        r2 = r10
        r2 += -56
        r1 = map[state] ll
        call bpf_map_lookup_elem
        if r0 == 0 goto done
        r7 = r0                              ; r7 = state
        r2 = r10
        r2 += -56
        r1 = map[config] ll
        call bpf_map_lookup_elem
        if r0 == 0 goto done
        r8 = *(u64 *)(r0 + 0)                ; F
        r9 = *(u64 *)(r0 + 16)               ; S
        r1 = *(u64 *)(r0 + 8)                ; T
        *(u64 *)(r10 - 8) = r1               ; loop context: +40 T
        *(u64 *)(r10 - 16) = r9              ;               +32 S
        *(u64 *)(r10 - 24) = r8              ;               +24 F
        *(u64 *)(r10 - 32) = r7              ;               +16 state
        r2 = *(u32 *)(r6 + 0)                ; data
        r3 = *(u32 *)(r6 + 4)                ; data_end
        *(u64 *)(r10 - 40) = r3              ;               +8 data_end
        *(u64 *)(r10 - 48) = r2              ;               +0 data
        if r2 >= r3 goto flush               ; an empty chunk: end of file
        r1 = 65536                           ; the largest chunk; scan_byte stops at data_end
        r2 = func[scan_byte] ll
        r3 = r10
        r3 += -48
        r4 = 0
        call bpf_loop
        goto done
flush:                                       ; end of file: finish a row that has no newline
        r1 = *(u64 *)(r7 + 72)
        if r1 == 0 goto done
        r1 = r7
        r2 = r8
        r3 = r9
        call end_field
        r1 = r7
        r2 = r8
        r3 = r9
        r4 = *(u64 *)(r10 - 8)
        call end_row
done:
        r0 = 1                               ; XDP_DROP: consumed on the node
        exit

; scan_byte(index, loop context): parse byte `index` of the chunk; returns 1 to stop at the end.
scan_byte:
        r6 = r2                              ; loop context
        r3 = *(u64 *)(r6 + 0)                ; data
        r4 = *(u64 *)(r6 + 8)                ; data_end
        r1 &= 0xffff
        if r1 >= 0xffff goto last_byte
        r3 += r1
        r5 = r3
        r5 += 1
        if r5 > r4 goto stop
        goto load_byte
last_byte:                                   ; index 65,535: a constant offset
        r3 += 0xffff
        if r3 >= r4 goto stop
load_byte:
        r8 = *(u8 *)(r3 + 0)                 ; the byte
        r7 = *(u64 *)(r6 + 16)               ; state
        if r8 != 34 goto not_quote           ; '"' toggles the quote state
        r9 = *(u64 *)(r7 + 16)
        r9 ^= 1
        *(u64 *)(r7 + 16) = r9
        goto count
not_quote:
        r9 = *(u64 *)(r7 + 16)
        if r9 != 0 goto field_byte           ; inside quotes ',' and newlines are data
        if r8 == 44 goto comma
        if r8 == 10 goto newline
        if r8 == 13 goto next                ; the CR of CRLF
field_byte:
        r9 = *(u64 *)(r7 + 8)                ; column
        r1 = *(u64 *)(r6 + 24)
        if r9 == r1 goto numeric
        r1 = *(u64 *)(r6 + 32)
        if r9 != r1 goto count
numeric:
        r9 = *(u64 *)(r7 + 0)
        if r9 == 0 goto count                ; header row: names, not numbers
        if r8 != 45 goto digit
        *(u64 *)(r7 + 32) = 1                ; '-'
        goto count
digit:
        r8 -= 48
        if r8 > 9 goto bad
        r9 = *(u64 *)(r7 + 24)
        r9 *= 10
        r9 += r8
        *(u64 *)(r7 + 24) = r9
        goto count
bad:
        r9 = *(u64 *)(r7 + 80)
        r9 += 1
        *(u64 *)(r7 + 80) = r9
count:
        r9 = *(u64 *)(r7 + 72)
        r9 += 1
        *(u64 *)(r7 + 72) = r9
next:
        r0 = 0
        exit
comma:
        r1 = r7
        r2 = *(u64 *)(r6 + 24)
        r3 = *(u64 *)(r6 + 32)
        call end_field
        r9 = *(u64 *)(r7 + 8)
        r9 += 1
        *(u64 *)(r7 + 8) = r9
        goto count
newline:
        r1 = r7
        r2 = *(u64 *)(r6 + 24)
        r3 = *(u64 *)(r6 + 32)
        call end_field
        r1 = r7
        r2 = *(u64 *)(r6 + 24)
        r3 = *(u64 *)(r6 + 32)
        r4 = *(u64 *)(r6 + 40)
        call end_row
        goto next
stop:
        r0 = 1
        exit

; end_field(state, F, S): keep the finished field's value if it is column F or S, then reset.
end_field:
        r4 = *(u64 *)(r1 + 24)
        r5 = *(u64 *)(r1 + 32)
        if r5 == 0 goto keep
        r4 = -r4
keep:
        r5 = *(u64 *)(r1 + 8)
        if r5 != r2 goto not_filter
        *(u64 *)(r1 + 40) = r4
not_filter:
        if r5 != r3 goto reset_field
        *(u64 *)(r1 + 48) = r4
reset_field:
        r0 = 0
        *(u64 *)(r1 + 24) = r0
        *(u64 *)(r1 + 32) = r0
        exit

; end_row(state, F, S, T): add the finished row to sum and count if F < T, then start a new row.
end_row:
        r5 = *(u64 *)(r1 + 0)
        r0 = r5
        r0 += 1
        *(u64 *)(r1 + 0) = r0
        r0 = *(u64 *)(r1 + 72)
        if r5 == 0 goto reset_row            ; the header row
        if r0 == 0 goto reset_row            ; an empty line
        r5 = *(u64 *)(r1 + 8)
        if r5 < r2 goto short_row            ; column F or S missing
        if r5 < r3 goto short_row
        r5 = *(u64 *)(r1 + 40)
        if r5 s>= r4 goto reset_row
        r5 = *(u64 *)(r1 + 48)
        r0 = *(u64 *)(r1 + 56)
        r0 += r5
        *(u64 *)(r1 + 56) = r0
        r0 = *(u64 *)(r1 + 64)
        r0 += 1
        *(u64 *)(r1 + 64) = r0
        goto reset_row
short_row:
        r0 = *(u64 *)(r1 + 80)
        r0 += 1
        *(u64 *)(r1 + 80) = r0
reset_row:
        r0 = 0
        *(u64 *)(r1 + 8) = r0
        *(u64 *)(r1 + 16) = r0
        *(u64 *)(r1 + 40) = r0
        *(u64 *)(r1 + 48) = r0
        *(u64 *)(r1 + 72) = r0
        exit
