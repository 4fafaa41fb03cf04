// The JIT's own pieces (wasm encoding, control-flow structuring, counting, inline checks), each compared with the interpreter.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/assembler.js';
import { bySlot } from '../../src/asm/instruction.js';
import type { ProgramSpec } from '../../src/asm/program.js';
import { loadObject } from '../../src/elf/loader.js';
import type { Engine, ProgramFacts, RunResult } from '../../src/vm/engine.js';
import { Interpreter } from '../../src/vm/interpreter.js';
import { buildCfg } from '../../src/vm/jit/cfg.js';
import { jitEngine } from '../../src/vm/jit/engine.js';
import { ByteWriter } from '../../src/vm/jit/wasm-bytes.js';
import { Code } from '../../src/vm/jit/wasm-code.js';
import { ModuleBuilder } from '../../src/vm/jit/wasm-module.js';
import { Op, ValType } from '../../src/vm/jit/wasm-opcodes.js';
import { Runtime, type RuntimeOptions } from '../../src/vm/runtime.js';
import { join } from 'node:path';
import { anchorsDir } from '../../src/util/paths.js';
import { HOOK_CONTEXT_BYTES, encodeHookContext } from '../../src/storage/hook-context.js';

const interpreter = new Interpreter();

/** outcome runs `spec` on `engine` with `input` as the chunk (r1 = its address, r2 = its length). */
function outcome(engine: Engine, spec: ProgramSpec, input: number[] = [], options: RuntimeOptions = {}, facts?: ProgramFacts): RunResult | string {
  const runtime = new Runtime(spec.maps, options);
  try {
    const exe = engine.load(spec, runtime, facts);
    const at = runtime.space.setInput(Uint8Array.from(input));
    return exe.run(at, input.length);
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
}

/**
 * sameAsInterpreter asserts the JIT gives the interpreter's r0 and count (or its error), and
 * returns it. BudgetExceeded names a different instruction on purpose: the interpreter checks
 * at every taken jump, the JIT at loop headers and exits, so only the error itself must agree.
 */
function sameAsInterpreter(source: string, input: number[] = [], options: RuntimeOptions = {}): RunResult | string {
  const spec = assemble(source);
  const budgetOnly = (r: RunResult | string) => (typeof r === 'string' && r.startsWith('BudgetExceeded') ? r.replace(/ \(insn #\d+\)$/, '') : r);
  const expected = budgetOnly(outcome(interpreter, spec, input, options));
  expect(budgetOnly(outcome(jitEngine, spec, input, options))).toEqual(expected);
  return expected;
}

describe('wasm encoding', () => {
  it('writes LEB128 as the WebAssembly spec examples', () => {
    expect([...new ByteWriter().u32(624485).finish()]).toEqual([0xe5, 0x8e, 0x26]);
    expect([...new ByteWriter().s32(-123456).finish()]).toEqual([0xc0, 0xbb, 0x78]);
    expect([...new ByteWriter().s32(63).finish()]).toEqual([0x3f]);
    expect([...new ByteWriter().s32(64).finish()]).toEqual([0xc0, 0x00]);
    expect([...new ByteWriter().s64(-1n).finish()]).toEqual([0x7f]);
    expect([...new ByteWriter().s64(-(2n ** 63n)).finish()]).toEqual([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f]);
  });

  it('writes i64.const with the same bytes on its 32-bit fast path as the 64-bit encoding', () => {
    for (const value of [0n, 1n, -1n, 63n, 64n, -64n, -65n, 0x7fff_ffffn, -0x8000_0000n, 0x8000_0000n, -0x8000_0001n, 2n ** 63n - 1n, 2n ** 64n - 1n, 2n ** 70n + 5n]) {
      const expected = [Op.i64_const, ...new ByteWriter().s64(value).finish()];
      expect([...new Code().i64(value).finish()]).toEqual(expected);
      if (value >= -0x8000_0000n && value <= 0x7fff_ffffn) expect([...new Code().i64(Number(value)).finish()]).toEqual(expected);
    }
  });

  it('builds a module V8 accepts and runs, with loops and i64 locals', () => {
    const m = new ModuleBuilder();
    const fn = m.declareFunction();
    // sum(n) = n + (n - 1) + ... + 1, as a loop.
    const c = new Code();
    const [n, acc] = [0, 1];
    c.block().loop();
    c.get(n).op(Op.i64_eqz).brIf(1);
    c.get(acc).get(n).op(Op.i64_add).set(acc);
    c.get(n).i64(1).op(Op.i64_sub).set(n);
    c.br(0).end().end();
    c.get(acc);
    m.define(fn, { type: { params: [ValType.i64], results: [ValType.i64] }, locals: [ValType.i64], body: c.finish().slice(), exportAs: 'sum' });
    const binary = m.build();
    expect(WebAssembly.validate(binary)).toBe(true);
    const sum = new WebAssembly.Instance(new WebAssembly.Module(binary)).exports.sum as (n: bigint) => bigint;
    expect(sum(100n)).toBe(5050n);
  });

  it('encodes br_table with its default target', () => {
    const m = new ModuleBuilder();
    const fn = m.declareFunction();
    const c = new Code();
    c.block().block().block();
    c.get(0).brTable([0, 1], 2);
    c.end().i32(10).op(Op.return);
    c.end().i32(20).op(Op.return);
    c.end().i32(30);
    m.define(fn, { type: { params: [ValType.i32], results: [ValType.i32] }, locals: [], body: c.finish().slice(), exportAs: 'pick' });
    const pick = new WebAssembly.Instance(new WebAssembly.Module(m.build())).exports.pick as (k: number) => number;
    expect([0, 1, 2, 7].map(pick)).toEqual([10, 20, 30, 30]);
  });
});

describe('control-flow graph', () => {
  it('finds the loop header of a counted loop and calls the graph reducible', () => {
    const spec = assemble('mov r0, 0\nmov r1, 5\ntop:\nadd r0, r1\nsub r1, 1\njne r1, 0, top\nexit');
    const cfg = buildCfg(bySlot(spec.insns), 0, spec.insns.length);
    expect(cfg.reducible).toBe(true);
    expect([...cfg.loopHeader.keys()].filter((b) => cfg.loopHeader[b]).map((b) => cfg.start[b])).toEqual([2]);
  });

  it('calls a loop with two entries irreducible', () => {
    const spec = assemble(IRREDUCIBLE);
    const cfg = buildCfg(bySlot(spec.insns), 0, spec.insns.length);
    expect(cfg.reducible).toBe(false);
  });
});

/** IRREDUCIBLE jumps into the middle of a loop from outside: only the dispatcher can run it. */
const IRREDUCIBLE = [
  'mov r0, 0',
  'mov r1, 6',
  'jgt r2, 0, middle',
  'top:',
  'add r0, 3',
  'middle:',
  'add r0, r1',
  'sub r1, 1',
  'jne r1, 0, top',
  'exit',
].join('\n');

describe('JIT against the interpreter', () => {
  it('runs an irreducible loop (dispatcher fallback) with the same result and count', () => {
    const result = sameAsInterpreter(IRREDUCIBLE, [1, 2, 3]);
    expect(result).toMatchObject({ r0: 36n });
  });

  it('counts instructions exactly through nested loops, local calls and bpf_loop callbacks', () => {
    const source = [
      'mov r6, 0',
      'mov r7, 3',
      'outer:',
      'mov r8, 4',
      'inner:',
      'jset r8, 1, odd',
      'add r6, 2',
      'ja next',
      'odd:',
      'mov r1, r8',
      'call local twice',
      'add r6, r0',
      'next:',
      'sub r8, 1',
      'jne r8, 0, inner',
      'sub r7, 1',
      'jne r7, 0, outer',
      'mov r1, 5',
      'r2 = func[cb] ll',
      'mov r3, 0',
      'mov r4, 0',
      'call 181',
      'add r0, r6',
      'exit',
      'twice:',
      'mov r0, r1',
      'add r0, r1',
      'exit',
      'cb:',
      'mov r0, 0',
      'jne r1, 3, keep',
      'mov r0, 1',
      'keep:',
      'exit',
    ].join('\n');
    const result = sameAsInterpreter(source);
    expect(typeof result).not.toBe('string');
  });

  it('stops a runaway loop with BudgetExceeded, and lets a run of exactly the budget finish', () => {
    expect(sameAsInterpreter('mov r0, 0\nl:\nadd r0, 1\nja l', [], { budget: 500 })).toMatch(/^BudgetExceeded/);
    const exact = sameAsInterpreter('mov r0, 0\nmov r1, 10\nl:\nadd r0, 1\nsub r1, 1\njne r1, 0, l\nexit', [], { budget: 33 });
    expect(exact).toMatchObject({ r0: 10n, instructions: 33 });
    expect(sameAsInterpreter('mov r0, 0\nmov r1, 10\nl:\nadd r0, 1\nsub r1, 1\njne r1, 0, l\nexit', [], { budget: 32 })).toMatch(
      /^BudgetExceeded/,
    );
  });

  it('checks unproven input reads at the region edges exactly as the interpreter does', () => {
    const input = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    for (const [size, offsets] of [
      ['b', [-1, 0, 9, 10]],
      ['h', [-1, 8, 9]],
      ['w', [-3, 6, 7]],
      ['dw', [-8, -1, 2, 3]],
    ] as const) {
      for (const offset of offsets) sameAsInterpreter(`ldx${size} r0, [r1${offset < 0 ? '' : '+'}${offset}]\nexit`, input);
    }
    expect(sameAsInterpreter('ldxh r0, [r1+9]\nexit', input)).toMatch(/^OutOfBoundsAccess: .*insn #0/);
    expect(sameAsInterpreter('ldxdw r0, [r1+2]\nexit', input)).toMatchObject({ r0: 0x0a09080706050403n });
  });

  it('refuses writes to the input and the context unless the runtime makes the input writable', () => {
    expect(sameAsInterpreter('stb [r1], 7\nmov r0, 0\nexit', [1, 2])).toMatch(/^WriteToReadOnly/);
    expect(sameAsInterpreter('stb [r1], 7\nldxb r0, [r1]\nexit', [1, 2], { writableInput: true })).toMatchObject({ r0: 7n });
    const context = outcome(jitEngine, assemble('mov r1, 0x11000\nstw [r1], 1\nmov r0, 0\nexit'));
    expect(context).toMatch(/^WriteToReadOnly|^OutOfBoundsAccess/);
  });

  it('uses verifier facts: a proven access runs without a check, and the result is the same', () => {
    const spec = assemble('ldxb r0, [r1+1]\nexit');
    expect(outcome(jitEngine, spec, [5, 6], {}, { safeAccesses: new Set([0]) })).toMatchObject({ r0: 6n, instructions: 2 });
  });

  it('refuses a write to .rodata through its map value pointer', () => {
    const source = '.map ro array key=4 value=8 entries=1 readonly init=0102030405060708\nr1 = map[ro][0]+0 ll\nstb [r1], 9\nmov r0, 0\nexit';
    expect(sameAsInterpreter(source)).toMatch(/^WriteToReadOnly/);
    expect(sameAsInterpreter(source.replace('stb [r1], 9\nmov r0, 0', 'ldxdw r0, [r1]'))).toMatchObject({ r0: 0x0807060504030201n });
  });
});

const ANCHOR = join(anchorsDir(), 'csv.bpf.o');

describe.skipIf(!existsSync(ANCHOR))('the anchor program', () => {
  it('gives the interpreter r0 and instruction count on every chunk of a small CSV', () => {
    const spec = loadObject(readFileSync(ANCHOR), 'csv.bpf.o').programs.find((p) => p.name === 'csv_scan')!;
    const rows = Array.from({ length: 300 }, (_, k) => `${(k * 7919) % 100000},${k % 1000}.${String(k % 100).padStart(2, '0')},1994-01-05\n`);
    const text = new TextEncoder().encode(rows.join(''));
    const engines = [interpreter, jitEngine].map((engine) => {
      const runtime = new Runtime(spec.maps);
      return { runtime, exe: engine.load(spec, runtime) };
    });
    const context = new Uint8Array(HOOK_CONTEXT_BYTES);
    const view = new DataView(context.buffer);
    for (let start = 0; start < text.length; start += 3000) {
      const chunk = text.subarray(start, Math.min(start + 3000, text.length));
      const results = engines.map(({ runtime, exe }) => {
        const at = runtime.space.setInput(chunk);
        encodeHookContext({ data: at, dataEnd: at + chunk.length, flags: 0, chunkIndex: start / 3000, fileOffset: start, fileSize: text.length }, view);
        return exe.run(runtime.space.setContext(context));
      });
      expect(results[1]).toEqual(results[0]);
    }
  });
});
if (!existsSync(ANCHOR)) console.log(`skipping the anchor program test: ${ANCHOR} is missing`);
