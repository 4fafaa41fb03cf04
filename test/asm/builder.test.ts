// Tests of ProgramBuilder: each method against the instruction table or the assembler, labels, maps and errors.
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/assembler.js';
import {
  BuilderError,
  ProgramBuilder,
  R0,
  R1,
  R10,
  R2,
  R3,
  R4,
  R5,
  R6,
  R9,
  reg,
} from '../../src/asm/builder.js';
import { disassemble } from '../../src/asm/disassembler.js';
import { HelperId } from '../../src/asm/helpers.js';
import { encode } from '../../src/asm/instruction.js';
import { SluiceError } from '../../src/util/errors.js';
import { bytesToHex } from './hex.js';
import { INSTRUCTION_TABLE } from './instruction-table.js';

const tableBytes = (kernel: string) => {
  const row = INSTRUCTION_TABLE.find((r) => r.kernel === kernel);
  if (!row) throw new Error(`no table row '${kernel}'`);
  return row.bytes;
};

/** one builds a single instruction (plus nothing else) and returns its bytes. */
const one = (emit: (b: ProgramBuilder) => void) => {
  const b = new ProgramBuilder('t');
  emit(b);
  return bytesToHex(encode(b.build().insns));
};

describe('ProgramBuilder instructions match llvm-mc encodings', () => {
  const cases: [string, (b: ProgramBuilder) => void][] = [
    ['r1 += 0x7', (b) => b.add64(R1, 7)],
    ['r1 += r2', (b) => b.add64(R1, R2)],
    ['w3 += -0x2', (b) => b.add32(R3, -2)],
    ['w3 += w4', (b) => b.add32(R3, R4)],
    ['r1 -= r2', (b) => b.sub64(R1, R2)],
    ['w3 *= w4', (b) => b.mul32(R3, R4)],
    ['r1 /= 0x7', (b) => b.div64(R1, 7)],
    ['r1 s/= r2', (b) => b.sdiv64(R1, R2)],
    ['w3 s/= -0x2', (b) => b.sdiv32(R3, -2)],
    ['r1 %= r2', (b) => b.mod64(R1, R2)],
    ['w3 s%= w4', (b) => b.smod32(R3, R4)],
    ['r1 |= 0x7', (b) => b.or64(R1, 7)],
    ['w3 &= w4', (b) => b.and32(R3, R4)],
    ['r1 ^= r2', (b) => b.xor64(R1, R2)],
    ['r1 <<= 0x7', (b) => b.lsh64(R1, 7)],
    ['w3 >>= w4', (b) => b.rsh32(R3, R4)],
    ['r1 s>>= 0x7', (b) => b.arsh64(R1, 7)],
    ['r1 = 0x7', (b) => b.mov64(R1, 7n)],
    ['w1 = -0x1', (b) => b.mov32(R1, 0xffffffff)],
    ['w1 = w2', (b) => b.mov32(R1, R2)],
    ['r5 = -r5', (b) => b.neg64(R5)],
    ['w5 = -w5', (b) => b.neg32(R5)],
    ['r0 = (s16)r1', (b) => b.movsx64(R0, R1, 16)],
    ['w0 = (s8)w1', (b) => b.movsx32(R0, R1, 8)],
    ['r2 = be32 r2', (b) => b.be(R2, 32)],
    ['r2 = le16 r2', (b) => b.le(R2, 16)],
    ['r2 = bswap64 r2', (b) => b.bswap(R2, 64)],
    ['r0 = *(u16 *)(r1 + 0x4)', (b) => b.ldx('h', R0, R1, 4)],
    ['r0 = *(s32 *)(r10 - 0x8)', (b) => b.ldxs('w', R0, R10, -8)],
    ['*(u8 *)(r10 - 0x8) = 0x7', (b) => b.st('b', R10, -8, 7)],
    ['*(u32 *)(r10 - 0x8) = 0x7', (b) => b.st('w', R10, -8, 7)],
    ['*(u64 *)(r1 + 0x0) = r2', (b) => b.stx('dw', R1, 0, R2)],
    ['lock *(u64 *)(r1 + 0x8) += r2', (b) => b.atomic('dw', 'add', R1, 8, R2)],
    ['lock *(u32 *)(r1 - 0x4) ^= w2', (b) => b.atomic('w', 'xor', R1, -4, R2)],
    ['w3 = atomic_fetch_or((u32 *)(r10 - 0x8), w3)', (b) => b.atomic('w', 'fetch_or', R10, -8, R3)],
    ['r4 = xchg_64(r1 + 0x0, r4)', (b) => b.atomic('dw', 'xchg', R1, 0, R4)],
    ['r0 = cmpxchg_64(r10 - 0x8, r0, r1)', (b) => b.atomic('dw', 'cmpxchg', R10, -8, R1)],
    ['r0 = 0x1122334455667788 ll', (b) => b.lddw(R0, 0x1122334455667788n)],
    ['r9 = -0x1 ll', (b) => b.lddw(R9, -1)],
    ['call 0x1', (b) => b.call(HelperId.map_lookup_elem)],
    ['callx r2', (b) => b.callx(R2)],
    ['exit', (b) => b.exit()],
  ];

  it.each(cases)('%s', (kernel, emit) => {
    expect(one(emit)).toBe(tableBytes(kernel));
  });
});

describe('ProgramBuilder programs', () => {
  it('builds the documented example, equal to the assembled text', () => {
    const b = new ProgramBuilder('q6');
    const m = b.map({ name: 'counts', type: 'hash', keySize: 4, valueSize: 8, maxEntries: 16 });
    b.mov64(R1, R6).add64(R1, 4).ldx('w', R2, R1, 0).jgt64(R2, 5, 'skip');
    b.comment('look the key up').lddwMap(R1, m).call(HelperId.map_lookup_elem);
    b.label('skip').exit();
    const spec = b.build();
    const text = [
      '.map counts hash key=4 value=8 entries=16',
      'r1 = r6',
      'r1 += 4',
      'r2 = *(u32 *)(r1 + 0)',
      'if r2 > 5 goto skip',
      'r1 = map[counts] ll',
      'call bpf_map_lookup_elem',
      'skip: exit',
    ].join('\n');
    const expected = assemble(text);
    expect(spec.insns).toEqual(expected.insns);
    expect(spec.maps).toEqual(expected.maps);
    expect(spec).toMatchObject({ name: 'q6', section: 'xdp', license: 'GPL' });
    expect([...spec.comments!]).toEqual([[4, 'look the key up']]);
    expect(disassemble(spec)).toContain('r1 = map[counts] ll ; look the key up');
  });

  it('resolves every jump form forwards and backwards, 64 and 32 bit', () => {
    const b = new ProgramBuilder('jumps');
    b.label('top').jeq64(R1, R2, 'end').jne32(R1, 0xffffffff, 'top').jsle64(R1, -1, 'end');
    b.jset32(R1, R2, 'top').ja('end').ja32('top').label('end').exit();
    const expected = assemble(
      'top: if r1 == r2 goto end\nif w1 != -1 goto top\nif r1 s<= -1 goto end\nif w1 & w2 goto top\ngoto end\ngotol top\nend: exit',
    );
    expect(b.build().insns).toEqual(expected.insns);
  });

  it('places sub-functions after the entry and calls them by label', () => {
    const b = new ProgramBuilder('loop');
    b.mov64(R1, 10).lddwFunc(R2, 'cb').mov64(R3, 0).mov64(R4, 0).call(HelperId.loop);
    b.callLocal('helper').exit();
    b.func('cb').mov64(R0, 0).exit();
    b.func('helper').mov64(R0, 1).exit();
    const spec = b.build();
    const expected = assemble(
      'r1 = 10\nr2 = func[cb] ll\nr3 = 0\nr4 = 0\ncall 181\ncall local helper\nexit\ncb: r0 = 0\nexit\nhelper: r0 = 1\nexit',
    );
    expect(spec.insns).toEqual(expected.insns);
  });

  it('loads a pointer into a global-data map value', () => {
    const b = new ProgramBuilder('g');
    const data = b.map({ name: '.data', type: 'array', keySize: 4, valueSize: 16, maxEntries: 1, initialValue: new Uint8Array(16) });
    b.lddwMapValue(R1, data, 8).exit();
    expect(b.build().insns[0]).toEqual(assemble('.map .data array key=4 value=16 entries=1\nr1 = map[.data][0]+8 ll').insns[0]);
  });

  it('widens an unconditional jump beyond 16 bits to ja32', () => {
    const b = new ProgramBuilder('far');
    b.ja('far');
    for (let i = 0; i < 40000; i++) b.mov64(R0, 0);
    b.label('far').exit();
    expect(b.build().insns[0]).toMatchObject({ opcode: 0x06, offset: 0, imm: 40000 });
  });

  it('joins several comments for one instruction', () => {
    const b = new ProgramBuilder('c');
    b.comment('a').comment('b').exit();
    expect(b.build().comments!.get(0)).toBe('a; b');
  });

  it('reports the slot the next instruction takes', () => {
    const b = new ProgramBuilder('s');
    b.lddw(R1, 1);
    expect(b.slot).toBe(2);
  });
});

describe('ProgramBuilder errors', () => {
  const errors: [string, (b: ProgramBuilder) => void, string][] = [
    ['undefined label', (b) => b.mov64(R0, 0).ja('nowhere').exit(), "at insn #1: undefined label 'nowhere'"],
    ['duplicate label', (b) => b.label('a').exit().label('a'), "label 'a' is defined twice (insn #0 and #1)"],
    [
      'conditional jump too far',
      (b) => {
        b.jeq64(R1, 0, 'far');
        for (let i = 0; i < 40000; i++) b.mov64(R0, 0);
        b.label('far').exit();
      },
      "at insn #0: conditional jump to 'far' is 40000 slots away",
    ],
    ['immediate beyond int32 for 64-bit ops', (b) => b.mov64(R0, 0x80000000), 'immediate 2147483648 does not fit in 32 bits'],
    ['immediate beyond 32 bits', (b) => b.add32(R0, 2 ** 32), 'immediate 4294967296 does not fit in 32 bits'],
    ['immediate below int32', (b) => b.jeq32(R0, -(2 ** 31) - 1, 'x'), 'immediate -2147483649 does not fit'],
    ['dw store of a large unsigned', (b) => b.st('dw', R10, -8, 0xffffffff), 'immediate 4294967295 does not fit'],
    ['byte store of a value beyond 8 bits', (b) => b.st('b', R10, -1, 256), 'immediate 256 does not fit a 8-bit store (-128..255)'],
    ['byte store of a 32-bit pattern', (b) => b.st('b', R10, -1, 0xffffffff), 'does not fit a 8-bit store'],
    ['half store of a value below int16', (b) => b.st('h', R10, -2, -32769), 'does not fit a 16-bit store'],
    ['fractional immediate', (b) => b.mov64(R0, 1.5), 'immediate 1.5 is not an integer'],
    ['offset beyond int16', (b) => b.ldx('b', R0, R1, 40000), 'offset 40000 does not fit in 16 bits'],
    ['64-bit constant too large', (b) => b.lddw(R0, 2n ** 64n), 'does not fit in 64 bits'],
    ['register out of range', () => reg(11), 'register r11 does not exist'],
    ['trailing comment', (b) => b.exit().comment('dangling'), "comment 'dangling' has no instruction after it"],
    ['empty program', () => undefined, 'the program has no instructions'],
    ['fall-through into a function', (b) => b.mov64(R0, 0).func('f').exit(), "function 'f' follows insn #0"],
    [
      'foreign map',
      (b) => b.lddwMap(R1, new ProgramBuilder('other').map({ name: 'm', type: 'array', keySize: 4, valueSize: 4, maxEntries: 1 })),
      "map 'm' was not declared by this builder",
    ],
  ];

  it.each(errors)('%s', (_what, emit, message) => {
    const b = new ProgramBuilder('e');
    let caught: unknown;
    try {
      emit(b);
      b.build();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(BuilderError);
    expect(caught).toBeInstanceOf(SluiceError);
    expect((caught as Error).message).toContain(message);
  });
});
