// Preflight: the structural checks that refuse a program at load, each naming its instruction.
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/assembler.js';
import type { Instruction } from '../../src/asm/instruction.js';
import type { ProgramSpec } from '../../src/asm/program.js';
import { InvalidProgram, UnknownHelper } from '../../src/vm/errors.js';
import { preflight } from '../../src/vm/preflight.js';

const spec = (insns: Instruction[]): ProgramSpec => ({ name: 't', section: 'text', insns, maps: [], license: 'GPL' });
const EXIT: Instruction = { opcode: 0x95, dst: 0, src: 0, offset: 0, imm: 0 };
const mov = (dst: number, imm: number): Instruction => ({ opcode: 0xb7, dst, src: 0, offset: 0, imm });
const ja = (offset: number): Instruction => ({ opcode: 0x05, dst: 0, src: 0, offset, imm: 0 });
const lddw = (dst: number): Instruction => ({ opcode: 0x18, dst, src: 0, offset: 0, imm: 1, imm2: 0 });

function refusal(program: ProgramSpec): Error {
  try {
    preflight(program);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected preflight to refuse the program');
}

describe('preflight', () => {
  it('accepts a well-formed program', () => {
    expect(() => preflight(assemble('mov %r0, 0\njeq %r1, 0, out\nmov %r0, 1\nout:\nexit'))).not.toThrow();
  });

  it('refuses an empty program', () => {
    expect(refusal(spec([]))).toBeInstanceOf(InvalidProgram);
  });

  it('refuses a jump past the end', () => {
    const error = refusal(spec([mov(0, 0), ja(5), EXIT]));
    expect(error).toBeInstanceOf(InvalidProgram);
    expect(error.message).toMatch(/insn #1/);
  });

  it('refuses a jump before the start', () => {
    expect(refusal(spec([mov(0, 0), ja(-3), EXIT])).message).toMatch(/outside the program.*insn #1/);
  });

  it('refuses a jump into the second slot of lddw', () => {
    const error = refusal(spec([ja(1), lddw(0), EXIT]));
    expect(error.message).toMatch(/second half of an lddw.*insn #0/);
  });

  it('refuses a program that can fall off the end', () => {
    expect(refusal(spec([mov(0, 0)])).message).toMatch(/last instruction/);
  });

  it('accepts a program ending in an unconditional jump', () => {
    expect(() => preflight(spec([mov(0, 0), { opcode: 0x15, dst: 1, src: 0, offset: 1, imm: 0 }, ja(-3), EXIT]))).not.toThrow();
  });

  it('refuses writes to r10', () => {
    expect(refusal(assemble('mov %r10, 1\nmov %r0, 0\nexit')).message).toMatch(/r10.*insn #0/);
    expect(refusal(assemble('mov %r0, 0\nldxdw %r10, [%r1]\nexit')).message).toMatch(/r10.*insn #1/);
  });

  it('refuses the conformance suite negative `or %r0, %r10` (r0 uninitialised)', () => {
    const error = refusal(assemble('or %r0, %r10\nexit'));
    expect(error).toBeInstanceOf(InvalidProgram);
    expect(error.message).toMatch(/r0 is read before it is written.*insn #0/);
  });

  it('refuses a read uninitialised on only one path', () => {
    const error = refusal(assemble('jeq %r1, 0, skip\nmov %r3, 1\nskip:\nmov %r0, %r3\nexit'));
    expect(error.message).toMatch(/r3 .*insn #2/);
  });

  it('treats r1-r5 as clobbered and r0 as set after a helper call', () => {
    expect(refusal(assemble('call 7\nmov %r0, %r1\nexit')).message).toMatch(/r1 .*insn #1/);
    expect(() => preflight(assemble('mov %r6, 1\ncall 7\nadd %r0, %r6\nexit'))).not.toThrow();
  });

  it('requires the helper arguments its prototype reads', () => {
    // map_update_elem reads r1..r4; r3 and r4 were never written.
    expect(refusal(assemble('call 2\nexit')).message).toMatch(/r3 .*insn #0/);
  });

  it('refuses unknown helpers with their id', () => {
    const error = refusal(assemble('call 12345\nexit'));
    expect(error).toBeInstanceOf(UnknownHelper);
    expect(error.message).toContain('12345');
  });

  it('checks sub-programs reached by local calls', () => {
    expect(refusal(assemble('call local f\nexit\nf:\nmov %r0, %r7\nexit')).message).toMatch(/r7 .*insn #2/);
  });
});
