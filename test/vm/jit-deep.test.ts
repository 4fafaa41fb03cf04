// The JIT translates long chains of branches (a 1,500-term OR and longer) without overflowing the host stack.
import { describe, expect, it } from 'vitest';
import type { Instruction } from '../../src/asm/instruction.js';
import type { ProgramSpec } from '../../src/asm/program.js';
import { runWithMemory } from '../../src/vm/conformance.js';
import type { RunResult } from '../../src/vm/engine.js';
import { JitLimit } from '../../src/vm/errors.js';
import { Interpreter } from '../../src/vm/interpreter.js';
import { MAX_DISPATCH_BLOCKS, MAX_NESTING } from '../../src/vm/jit/emit-function.js';
import { jitEngine } from '../../src/vm/jit/engine.js';
import { Runtime } from '../../src/vm/runtime.js';

const insn = (opcode: number, dst: number, src: number, offset: number, imm: number): Instruction => ({ opcode, dst, src, offset, imm });
const MOV_K = 0xb7;
const ADD_K = 0x07;
const JEQ_K = 0x15;
const LDXW = 0x61;
const EXIT = 0x95;

function program(name: string, insns: Instruction[]): ProgramSpec {
  return { name, section: 'xdp', insns, maps: [], license: 'GPL' };
}

/**
 * orChain is `r0 = 0; r1 = *(u32 *)input; if r1 == 0 goto hit; ... if r1 == n-1 goto hit; r0 = 1;
 * exit; hit: r0 = 2; exit`: the shape of an n-term OR, each test a block dominating the next.
 */
function orChain(n: number): ProgramSpec {
  const insns = [insn(MOV_K, 0, 0, 0, 0), insn(LDXW, 1, 1, 0, 0)];
  for (let k = 0; k < n; k++) insns.push(insn(JEQ_K, 1, 0, n - 1 - k + 2, k));
  insns.push(insn(MOV_K, 0, 0, 0, 1), insn(EXIT, 0, 0, 0, 0), insn(MOV_K, 0, 0, 0, 2), insn(EXIT, 0, 0, 0, 0));
  return program(`or_chain_${n}`, insns);
}

function u32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value, true);
  return bytes;
}

describe('JIT on long chains of branches', () => {
  it.each([
    ['just within the structured bound', Math.floor(MAX_NESTING / 2) - 2],
    ['a 1,500-term OR', 1_500],
    ['20,000 chained branches', 20_000],
  ])('%s gives the interpreter\'s r0 and instruction count', (_name, n) => {
    const spec = orChain(n);
    const [interpreted, jitted] = [new Interpreter(), jitEngine].map((engine) => {
      const runtime = new Runtime([]);
      const executable = engine.load(spec, runtime);
      return (value: number) => executable.run(runtime.space.setInput(u32(value)), 4);
    }) as [(value: number) => RunResult, (value: number) => RunResult];
    for (const value of [0, n >> 1, n - 1, n]) {
      const expected = interpreted(value);
      expect(expected.r0).toBe(value < n ? 2n : 1n);
      expect(jitted(value)).toEqual(expected);
    }
  });

  it('refuses, naming the program and function, a deep function with more blocks than the dispatcher takes', () => {
    // Pairs of `if r1 == k goto +1; r0 += 1`: two blocks each, every test a merge point nested in the last.
    const pairs = Math.ceil(MAX_DISPATCH_BLOCKS / 2) + 10;
    const insns = [insn(MOV_K, 0, 0, 0, 0), insn(LDXW, 1, 1, 0, 0)];
    for (let k = 0; k < pairs; k++) insns.push(insn(JEQ_K, 1, 0, 1, k), insn(ADD_K, 0, 0, 0, 1));
    insns.push(insn(EXIT, 0, 0, 0, 0));
    const spec = program('deep_pairs', insns);
    expect(runWithMemory(new Interpreter(), spec, u32(7)).r0).toBe(BigInt(pairs - 1));
    let error: unknown;
    try {
      runWithMemory(jitEngine, spec, u32(7));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(JitLimit);
    expect((error as Error).message).toMatch(/^the JIT cannot translate program "deep_pairs": .* run it with the interpreter \(insn #0\)$/);
  });
});
