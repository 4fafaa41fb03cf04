// Faults and refusals: each named error, raised at the right instruction, on every engine.
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/assembler.js';
import { runWithMemory } from '../../src/vm/conformance.js';
import { ENGINES } from '../../src/vm/engines.js';
import {
  BudgetExceeded,
  CallDepthExceeded,
  InvalidHelperArgument,
  InvalidProgram,
  OutOfBoundsAccess,
  UnknownHelper,
  WriteToReadOnly,
} from '../../src/vm/errors.js';
import { SluiceError } from '../../src/util/errors.js';
import type { Engine } from '../../src/vm/engine.js';
import { FUNC_HANDLE_BASE, type RuntimeOptions } from '../../src/vm/runtime.js';

function fault(engine: Engine, source: string, memory: number[] = [], options: RuntimeOptions = {}): unknown {
  try {
    runWithMemory(engine, assemble(source), Uint8Array.from(memory), options);
  } catch (error) {
    return error;
  }
  throw new Error('expected the program to fail');
}

describe.each(ENGINES.map((engine) => [engine.name, engine] as const))('%s', (_name, engine) => {
  it('refuses a load past the end of the input', () => {
    const error = fault(engine, 'mov %r0, 0\nldxw %r0, [%r1+2]\nexit', [1, 2, 3, 4]);
    expect(error).toBeInstanceOf(OutOfBoundsAccess);
    expect((error as Error).message).toMatch(/4 bytes at 0x20002.*input region.*insn #1/);
  });

  it('refuses a load through a null pointer', () => {
    const error = fault(engine, 'mov %r2, 0\nldxb %r0, [%r2]\nexit');
    expect(error).toBeInstanceOf(OutOfBoundsAccess);
    expect((error as Error).message).toContain('insn #1');
  });

  it('refuses a pointer whose high half is set', () => {
    const error = fault(engine, 'mov %r2, %r10\nlddw %r3, 0x100000000\nadd %r2, %r3\nldxb %r0, [%r2-8]\nexit');
    expect(error).toBeInstanceOf(OutOfBoundsAccess);
  });

  it('refuses a store into the read-only input', () => {
    const error = fault(engine, 'stb [%r1], 1\nmov %r0, 0\nexit', [0], { writableInput: false });
    expect(error).toBeInstanceOf(WriteToReadOnly);
    expect((error as Error).message).toMatch(/read-only input region.*insn #0/);
  });

  it('stops a run that exceeds the instruction budget', () => {
    const error = fault(engine, 'mov %r0, 0\nloop:\nadd %r0, 1\nja loop\nexit', [], { budget: 1000 });
    expect(error).toBeInstanceOf(BudgetExceeded);
    expect((error as Error).message).toContain('1000');
  });

  it('stops unbounded recursion at 8 frames', () => {
    const error = fault(engine, 'call local f\nexit\nf:\ncall local f\nexit');
    expect(error).toBeInstanceOf(CallDepthExceeded);
  });

  it('allows 7 nested calls (8 frames)', () => {
    const source = ['mov %r1, 7', 'call local f', 'exit', 'f:', 'mov %r0, 0', 'jeq %r1, 1, done', 'sub %r1, 1', 'call local f', 'done:', 'add %r0, 1', 'exit'].join('\n');
    expect(runWithMemory(engine, assemble(source), new Uint8Array()).r0).toBe(7n);
  });

  it('refuses an unknown helper id at load', () => {
    expect(fault(engine, 'call 99\nexit')).toBeInstanceOf(UnknownHelper);
  });

  it('refuses callx of an unknown helper id at run time', () => {
    const error = fault(engine, 'mov %r2, 99\ncall %r2\nexit');
    expect(error).toBeInstanceOf(UnknownHelper);
    expect((error as Error).message).toContain('99');
  });

  it.each([
    ['past the end of the program', 100],
    ['inside a function', 7],
  ])('refuses a forged bpf_loop callback pointing %s, reached through callx', (_where, target) => {
    // The callback is a plain constant shaped like a func handle; callx hides the helper id from load-time checks.
    const source = ['mov %r1, 1', `lddw %r2, ${FUNC_HANDLE_BASE + target}`, 'mov %r3, 0', 'mov %r4, 0', 'mov %r5, 181', 'call %r5', 'exit', 'mov %r0, 0', 'exit'].join('\n');
    const error = fault(engine, source);
    expect(error).toBeInstanceOf(InvalidHelperArgument);
    expect((error as Error).message).toContain(`bpf_loop callback insn #${target} does not start a function (insn #6)`);
  });

  it('reports every fault as a SluiceError with an instruction location', () => {
    const error = fault(engine, 'ldxdw %r0, [%r10+8]\nexit');
    expect(error).toBeInstanceOf(SluiceError);
    expect((error as Error).message).toMatch(/insn #0/);
  });

  it('refuses structurally bad programs before running', () => {
    expect(fault(engine, 'mov %r10, 0\nexit')).toBeInstanceOf(InvalidProgram);
    expect(fault(engine, 'mov %r0, 0')).toBeInstanceOf(InvalidProgram);
  });
});
