// Tests of the disassembler: llvm-objdump's text for every table row, listing options, and round trips.
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/assembler.js';
import { disassemble, formatInstruction } from '../../src/asm/disassembler.js';
import { decode, encode } from '../../src/asm/instruction.js';
import type { ProgramSpec } from '../../src/asm/program.js';
import { bytesToHex, hexToBytes } from './hex.js';
import { EXTRA_ROWS, INSTRUCTION_TABLE } from './instruction-table.js';

describe('formatInstruction', () => {
  it.each([...INSTRUCTION_TABLE, ...EXTRA_ROWS])('$bytes -> $kernel', (row) => {
    const [insn] = decode(hexToBytes(row.bytes));
    expect(formatInstruction(insn!)).toBe(row.kernel);
  });

  it('notes the absolute target of jumps and calls when given the slot', () => {
    const [jump] = decode(hexToBytes('15 01 02 00 05 00 00 00'));
    expect(formatInstruction(jump!, 10)).toBe('if r1 == 0x5 goto +0x2 <L13>');
    const [call] = decode(hexToBytes('85 10 00 00 fe ff ff ff'));
    expect(formatInstruction(call!, 4)).toBe('call pc-0x2 <L3>');
  });

  it('prints map references by name when given the spec, and raw pseudo loads without it', () => {
    const spec = assemble('.map a array key=4 value=8 entries=1\n.map b hash key=8 value=8 entries=16\nr1 = map[b] ll\nr2 = map[a][0]+0x10 ll\nexit');
    expect(formatInstruction(spec.insns[0]!, 0, spec)).toBe('r1 = map[b] ll');
    expect(formatInstruction(spec.insns[1]!, 2, spec)).toBe('r2 = map[a][0]+0x10 ll');
    expect(formatInstruction(spec.insns[0]!)).toBe('r1 = pseudo[1][0x1][0x0] ll');
  });

  it('marks an invalid instruction instead of printing a wrong one', () => {
    expect(formatInstruction({ opcode: 0x07, dst: 0, src: 1, offset: 0, imm: 1 })).toMatch(/^<invalid: /);
    expect(formatInstruction({ opcode: 0x9d, dst: 0, src: 0, offset: 0, imm: 0 })).toBe('<invalid: unknown opcode 0x9d>');
  });
});

describe('disassemble', () => {
  const source = [
    '.map counts hash key=4 value=8 entries=16',
    'r1 = map[counts] ll',
    'call 1',
    'if r0 == 0 goto out',
    'r0 = *(u64 *)(r0 + 0)',
    'out: exit',
  ].join('\n');

  it('lists the program line and maps, then one instruction per line with its slot, a helper hint and comments', () => {
    const spec: ProgramSpec = { ...assemble(source, { name: 'q1', section: 'xdp' }), comments: new Map([[3, 'load the count']]) };
    expect(disassemble(spec)).toBe(
      [
        '.program q1 section=xdp license=GPL',
        '.map counts hash key=4 value=8 entries=16',
        '       0:\tr1 = map[counts] ll',
        '       2:\tcall 0x1 ; bpf_map_lookup_elem',
        '       3:\tif r0 == 0x0 goto +0x1 ; load the count',
        '       4:\tr0 = *(u64 *)(r0 + 0x0)',
        '       5:\texit',
        '',
      ].join('\n'),
    );
    expect(disassemble(spec, { comments: false, helperNames: false })).not.toContain(';');
  });

  it('shows raw bytes like llvm-objdump -d, lddw on one line', () => {
    const text = disassemble(assemble('r0 = 0x1122334455667788 ll\nexit'), { rawBytes: true });
    expect(text).toBe(
      '.program main section=text license=GPL\n' +
        '       0:\t18 00 00 00 88 77 66 55 00 00 00 00 44 33 22 11\tr0 = 0x1122334455667788 ll\n' +
        '       2:\t95 00 00 00 00 00 00 00\texit\n',
    );
  });

  it('prints labels for jump, call and func targets when asked', () => {
    const spec = assemble('ja +1\nr0 = 0\nr2 = func[+2] ll\ncall local +0\nexit');
    expect(disassemble(spec, { labels: true })).toBe(
      [
        '.program main section=text license=GPL',
        '       0:\tgoto L2',
        '       1:\tr0 = 0x0',
        'L2:',
        '       2:\tr2 = func[L5] ll',
        '       4:\tcall L5',
        'L5:',
        '       5:\texit',
        '',
      ].join('\n'),
    );
  });

  it('accepts a bare instruction array', () => {
    expect(disassemble(decode(hexToBytes('b7 00 00 00 2a 00 00 00 95 00 00 00 00 00 00 00')))).toBe(
      '       0:\tr0 = 0x2a\n       1:\texit\n',
    );
  });
});

describe('round trip: assemble(disassemble(x)) == x', () => {
  const table = [...INSTRUCTION_TABLE, ...EXTRA_ROWS].map((row) => row.bytes).join(' ');
  const insns = decode(hexToBytes(table));

  it.each([
    ['plain', {}],
    ['raw bytes', { rawBytes: true }],
    ['labels', { labels: true }],
  ])('every table instruction, %s', (_name, options) => {
    expect(bytesToHex(encode(assemble(disassemble(insns, options)).insns))).toBe(bytesToHex(encode(insns)));
  });

  it('a spec with maps, global data and every pseudo load keeps maps and instructions', () => {
    const spec = assemble(
      [
        '.map counts lru_hash key=8 value=16 entries=4096 flags=0x1',
        '.map .data array key=4 value=3 entries=1 init=0a0b0c',
        '.map .rodata array key=4 value=2 entries=1 readonly init=ffee',
        'r1 = map[counts] ll',
        'r2 = map[.data][0]+0x2 ll',
        'r3 = map[.rodata][0] ll',
        'r4 = pseudo[3][0x7][0x0] ll',
        'r2 = func[f] ll',
        'exit',
        'f: exit',
      ].join('\n'),
    );
    const again = assemble(disassemble(spec));
    expect(again).toEqual(spec);
    const named = { ...spec, name: 'csv_scan', section: 'xdp', license: 'Dual BSD/GPL' };
    expect(assemble(disassemble(named))).toEqual(named);
  });
});
