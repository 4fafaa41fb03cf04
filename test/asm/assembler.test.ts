// Tests of the assembler: both syntaxes against the instruction table, labels, maps, and every refusal.
import { describe, expect, it } from 'vitest';
import { AssemblerError, assemble } from '../../src/asm/assembler.js';
import { encode } from '../../src/asm/instruction.js';
import { PseudoSrc } from '../../src/asm/opcodes.js';
import { SluiceError } from '../../src/util/errors.js';
import { bytesToHex } from './hex.js';
import { EXTRA_ROWS, INSTRUCTION_TABLE } from './instruction-table.js';

const bytesOf = (source: string) => bytesToHex(encode(assemble(source).insns));

describe('assemble: one instruction in each syntax', () => {
  it.each([...INSTRUCTION_TABLE, ...EXTRA_ROWS])('$kernel | $classic', (row) => {
    expect(bytesOf(row.kernel)).toBe(row.bytes);
    expect(bytesOf(row.classic)).toBe(row.bytes);
  });
});

describe('assemble: programs', () => {
  it('fills the spec defaults and takes name, section and license from options', () => {
    const plain = assemble('exit');
    expect(plain).toMatchObject({ name: 'main', section: 'text', maps: [], license: 'GPL' });
    const named = assemble('exit', { name: 'q6', section: 'xdp', license: 'MIT' });
    expect(named).toMatchObject({ name: 'q6', section: 'xdp', license: 'MIT' });
    const header = '.program csv_scan section=xdp license=Dual BSD/GPL\nexit';
    expect(assemble(header)).toMatchObject({ name: 'csv_scan', section: 'xdp', license: 'Dual BSD/GPL' });
    expect(assemble(header, { name: 'other' })).toMatchObject({ name: 'other', section: 'xdp' });
  });

  it('mixes both syntaxes, comments of three kinds and labels', () => {
    const spec = assemble(
      [
        'mov %r0, 0          # classic',
        'r1 = 3              // kernel',
        'loop: r0 += r1      ; label on the same line',
        'sub %r1, 1',
        'if r1 != 0 goto loop',
        'jne %r0, 6, fail',
        'exit',
        'fail:',
        'r0 = -1',
        'exit',
      ].join('\n'),
    );
    expect(spec.insns.map((i) => i.offset)).toEqual([0, 0, 0, 0, -3, 1, 0, 0, 0]);
  });

  it('counts lddw as two slots in label offsets', () => {
    const spec = assemble('ja end\nlddw %r0, 1\nend: exit');
    expect(spec.insns[0]!.offset).toBe(2);
    const back = assemble('top: r0 = 1 ll\ngoto top');
    expect(back.insns[1]!.offset).toBe(-3);
  });

  it('puts ja32 and local call label offsets in imm', () => {
    const spec = assemble('ja32 L\ncall local f\nL: exit\nf: r0 = 0\nexit');
    expect(spec.insns.map((i) => i.imm)).toEqual([1, 1, 0, 0, 0]);
    expect(spec.insns[1]!.src).toBe(1);
  });

  it('resolves `exit` as a jump target to the first exit, unless a label has that name', () => {
    const implicit = assemble('jeq %r1, 0, exit\nmov %r0, 1\nexit\nexit');
    expect(implicit.insns[0]!.offset).toBe(1);
    const explicit = assemble('ja exit\nexit\nexit: exit');
    expect(explicit.insns[0]!.offset).toBe(1);
  });

  it('calls helpers by id or name, locals by label, and callx by register', () => {
    const spec = assemble('call bpf_map_lookup_elem\ncall ktime_get_ns\ncall helper 7\ncall sub\ncallx r3\nexit\nsub: exit');
    expect(spec.insns.map((i) => [i.src, i.imm, i.dst])).toEqual([
      [0, 1, 0],
      [0, 5, 0],
      [0, 7, 0],
      [1, 2, 0],
      [0, 0, 3],
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  it('declares maps and references them by name, as a map or as a pointer into its value', () => {
    const spec = assemble(
      [
        '.map counts hash key=4 value=8 entries=1024',
        '.map .rodata array key=4 value=4 entries=1 readonly init=01020304',
        'r1 = map[counts] ll',
        'lddw %r2, map[.rodata][0]+2',
        'r3 = map[counts][0] ll',
        'exit',
      ].join('\n'),
    );
    expect(spec.maps).toEqual([
      { name: 'counts', type: 'hash', keySize: 4, valueSize: 8, maxEntries: 1024, flags: 0 },
      {
        name: '.rodata',
        type: 'array',
        keySize: 4,
        valueSize: 4,
        maxEntries: 1,
        flags: 0,
        readOnly: true,
        initialValue: Uint8Array.of(1, 2, 3, 4),
      },
    ]);
    expect(spec.insns.slice(0, 3).map((i) => [i.src, i.imm, i.imm2])).toEqual([
      [PseudoSrc.MAP_FD, 0, 0],
      [PseudoSrc.MAP_VALUE, 1, 2],
      [PseudoSrc.MAP_VALUE, 0, 0],
    ]);
  });

  it('loads a sub-program address for bpf_loop with func[label]', () => {
    const spec = assemble('r2 = func[cb] ll\nexit\ncb: r0 = 0\nexit');
    expect(spec.insns[0]).toMatchObject({ src: PseudoSrc.FUNC, imm: 2 });
  });

  it('reads its own listings and llvm-objdump output: slot numbers, raw bytes, symbols and <notes>', () => {
    const listing = [
      't.o:\tfile format elf64-bpf',
      '',
      'Disassembly of section .text:',
      '',
      '0000000000000000 <main>:',
      '       0:\tb7 00 00 00 01 00 00 00\tr0 = 0x1',
      '       1:\t18 01 00 00 05 00 00 00 00 00 00 00 00 00 00 00\tr1 = 0x5 ll',
      '       3:\t15 01 01 00 00 00 00 00\tif r1 == 0x0 goto +0x1 <L1>',
      '       4:\tbf 10 00 00 00 00 00 00\tr0 = r1',
      '',
      '0000000000000028 <L1>:',
      '       5:\t95 00 00 00 00 00 00 00\texit',
    ].join('\n');
    expect(bytesOf(listing)).toBe(
      'b7 00 00 00 01 00 00 00 18 01 00 00 05 00 00 00 00 00 00 00 00 00 00 00 ' +
        '15 01 01 00 00 00 00 00 bf 10 00 00 00 00 00 00 95 00 00 00 00 00 00 00',
    );
  });

  it('accepts hex immediates up to 0xffffffff as their 32-bit pattern, and int32 decimals', () => {
    expect(assemble('mov32 %r0, 0xffffffff').insns[0]!.imm).toBe(-1);
    expect(assemble('mov32 %r0, -2147483648').insns[0]!.imm).toBe(-2147483648);
    expect(assemble('r0 = 2147483647').insns[0]!.imm).toBe(2147483647);
    expect(assemble('stw [%r1+0xffff], 1').insns[0]!.offset).toBe(-1);
    expect(assemble('lddw %r0, 18446744073709551615').insns[0]).toMatchObject({ imm: -1, imm2: -1 });
  });
});

describe('assemble: refusals name file:line:column and the reason', () => {
  const refusals: [string, string, string][] = [
    ['unknown mnemonic', 'ldxq %r0, %r1', 't.s:1:1: unknown mnemonic'],
    ['unknown kernel form', 'foo = 1', 't.s:1:1: unknown mnemonic'],
    ['register out of range', 'or %r0, %r50', 't.s:1:9: invalid register'],
    ['kernel register out of range', 'r11 = 1', 't.s:1:1: invalid register'],
    ['too few operands', 'lddw %r0', "t.s:1:1: 'lddw' takes 2 operand(s)"],
    ['too many operands', 'exit %r0', "t.s:1:1: 'exit' takes no operands, found 1"],
    ['lock without operation', 'lock', 't.s:1:5: invalid number of operands for lock'],
    ['lock without source', 'lock or [%r10-8]', 't.s:1:6: invalid number of operands for lock or'],
    ['unknown lock operation', 'lock nand [%r10-8], %r1', "t.s:1:6: unknown atomic operation 'nand'"],
    ['decimal beyond int32', 'mov32 %r0, 2147483648', 't.s:1:12: immediate 2147483648 is out of range'],
    ['decimal below int32', 'mov %r0, -2147483649', 't.s:1:10: immediate -2147483649 is out of range'],
    ['hex beyond 32 bits', 'mov32 %r0, 0x100000000', 't.s:1:12: immediate 4294967296 is out of range'],
    ['kernel hex beyond 32 bits', 'r0 = 0x100000000', 't.s:1:6: immediate 4294967296 is out of range'],
    ['offset beyond int16', 'ldxb %r0, [%r1+0x10000]', 't.s:1:15: offset 65536 is out of range'],
    ['kernel offset beyond int16', 'r0 = *(u8 *)(r1 + 40000)', 't.s:1:17: offset 40000 is out of range'],
    ['jump offset beyond int16', 'ja +40000', 't.s:1:4: jump offset 40000 is out of range'],
    ['undefined label', 'ja NOT_A_LABEL\nexit', "t.s:1:4: undefined label 'NOT_A_LABEL'"],
    ['duplicate label', 'a: exit\na: exit', "t.s:2:1: duplicate label 'a'"],
    ['missing brackets', 'ldxb %r0, %r1', 't.s:1:11: expected a memory operand'],
    ['not a number', 'mov %r0, 12ab', "t.s:1:10: '12ab' is not a number"],
    ['w register in classic syntax', 'mov w0, 1', "t.s:1:5: 'w0' is a 32-bit view"],
    ['w register as an address', 'r0 = *(u8 *)(w1 + 0)', "t.s:1:14: 'w1' is a 32-bit view: an address needs a 64-bit register"],
    ['64-bit constant without ll', 'r0 = 0x1122334455667788', 't.s:1:6: immediate 1234605616436508552 is out of range'],
    ['mixed widths', 'w0 += r1', "t.s:1:7: 'r1' mixes 32-bit (w) and 64-bit (r) registers"],
    ['neg of another register', 'r0 = -r1', 't.s:1:7: neg works in place'],
    ['s64 load', 'r0 = *(s64 *)(r1 + 0)', 't.s:1:6: there is no s64 load'],
    ['8-bit atomic', 'lock *(u8 *)(r1 + 0) += r2', 't.s:1:8: atomic operations are 32 or 64 bits only'],
    ['cmpxchg not in r0', 'r1 = cmpxchg_64(r2 + 0, r1, r3)', 't.s:1:1: cmpxchg compares with and returns in r0'],
    ['trailing tokens', 'r0 = r1 r2', "t.s:1:9: unexpected 'r2' after the instruction"],
    ['undefined map', 'r1 = map[nope] ll\nexit', "t.s:1:10: undefined map 'nope'"],
    ['duplicate map', '.map m hash key=4 value=4 entries=1\n.map m hash key=4 value=4 entries=1', "t.s:2:6: duplicate map 'm'"],
    ['bad map type', '.map m tree key=4 value=4 entries=1', 't.s:1:8: expected a map type'],
    ['map missing field', '.map m hash key=4 value=4', "t.s:1:1: map 'm' needs entries="],
    ['malformed .program', '.program a b', 't.s:1:1: expected .program NAME [section=SECTION] [license=TEXT]'],
    ['second .program', '.program a\n  .program b\nexit', 't.s:2:3: a second .program line'],
    ['unknown directive', '.globl main', "t.s:1:1: unknown directive '.globl'"],
    ['empty program', '# nothing\n', 't.s:1:1: the program has no instructions'],
    ['far label for a 16-bit jump', `ja far\n${'r0 = 0\n'.repeat(40000)}far: exit`, "t.s:1:4: label 'far' is 40000 slots away"],
  ];

  it.each(refusals)('%s', (_what, source, message) => {
    let caught: unknown;
    try {
      assemble(source, { file: 't.s' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AssemblerError);
    expect(caught).toBeInstanceOf(SluiceError);
    expect((caught as Error).message.slice(0, message.length)).toBe(message);
  });

  it('exposes the location as fields', () => {
    try {
      assemble('exit\n  mov %r0, %r12', { file: 'x.s' });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ file: 'x.s', line: 2, column: 12 });
    }
  });
});
