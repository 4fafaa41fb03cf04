// The JIT's native bpf_loop and inline array lookups: same results, counts and errors as the interpreter, without JavaScript calls.
import { describe, expect, it, vi } from 'vitest';
import { assemble } from '../../src/asm/assembler.js';
import type { Engine, RunResult } from '../../src/vm/engine.js';
import { Interpreter } from '../../src/vm/interpreter.js';
import { jitEngine } from '../../src/vm/jit/engine.js';
import { Runtime, type RuntimeOptions } from '../../src/vm/runtime.js';

const interpreter = new Interpreter();

/** Outcome is a run's result, or its error as "Name: message", and how often the JIT's imports were called. */
interface Outcome {
  readonly result: RunResult | string;
  readonly helperCalls: number;
  readonly lookupCalls: number;
}

function outcome(engine: Engine, source: string, options: RuntimeOptions = {}): Outcome {
  const spec = assemble(source);
  const runtime = new Runtime(spec.maps, options);
  const call = vi.spyOn(runtime, 'call');
  const lookup = vi.spyOn(runtime, 'mapLookup');
  let result: RunResult | string;
  try {
    result = engine.load(spec, runtime).run(0, 0);
  } catch (error) {
    result = `${(error as Error).name}: ${(error as Error).message}`;
  }
  return { result, helperCalls: call.mock.calls.length, lookupCalls: lookup.mock.calls.length };
}

/** jitLikeInterpreter asserts the JIT's result equals the interpreter's (budget faults: the error only) and returns the JIT's outcome. */
function jitLikeInterpreter(source: string, options: RuntimeOptions = {}): Outcome {
  const budgetOnly = (r: RunResult | string) => (typeof r === 'string' && r.startsWith('BudgetExceeded') ? r.replace(/ \(insn #\d+\)$/, '') : r);
  const jit = outcome(jitEngine, source, options);
  expect(budgetOnly(jit.result)).toEqual(budgetOnly(outcome(interpreter, source, options).result));
  return jit;
}

/** loopProgram calls bpf_loop(nr, cb, 0, flags) and exits with its result; `callback` is cb's body. */
function loopProgram(nr: number, flags: number, callback: string[]): string {
  return ['mov r1, ' + nr, 'r2 = func[cb] ll', 'mov r3, 0', 'mov r4, ' + flags, 'call 181', 'exit', 'cb:', ...callback].join('\n');
}

/** STOP_AT_3 returns 1 (stop) at index 3, else 0: three instructions per iteration, four on the last. */
const STOP_AT_3 = ['mov r0, 0', 'jne r1, 3, keep', 'mov r0, 1', 'keep:', 'exit'];
/** MAIN_INSNS: mov, lddw, mov, mov, call, exit. */
const MAIN_INSNS = 6;

describe('native bpf_loop', () => {
  it('runs no iteration for nr_loops 0 and returns 0', () => {
    const { result, helperCalls } = jitLikeInterpreter(loopProgram(0, 0, STOP_AT_3));
    expect(result).toEqual({ r0: 0n, instructions: MAIN_INSNS });
    expect(helperCalls).toBe(0);
  });

  it('stops when the callback returns 1 and returns the iterations run, counting every callback instruction', () => {
    const { result, helperCalls } = jitLikeInterpreter(loopProgram(10, 0, STOP_AT_3));
    expect(result).toEqual({ r0: 4n, instructions: MAIN_INSNS + 3 * 3 + 4 });
    expect(helperCalls).toBe(0);
  });

  it('runs all nr_loops iterations when the callback never stops', () => {
    expect(jitLikeInterpreter(loopProgram(2, 0, STOP_AT_3)).result).toEqual({ r0: 2n, instructions: MAIN_INSNS + 2 * 3 });
  });

  it('refuses more than 1 << 23 iterations with -E2BIG, and accepts exactly 1 << 23', () => {
    expect(jitLikeInterpreter(loopProgram((1 << 23) + 1, 0, STOP_AT_3)).result).toEqual({ r0: BigInt.asUintN(64, -7n), instructions: MAIN_INSNS });
    const stopAt0 = ['mov r0, 1', 'exit'];
    expect(jitLikeInterpreter(loopProgram(1 << 23, 0, stopAt0)).result).toEqual({ r0: 1n, instructions: MAIN_INSNS + 2 });
  });

  it('returns -EINVAL for non-zero flags before looking at nr_loops', () => {
    expect(jitLikeInterpreter(loopProgram(3, 1, STOP_AT_3)).result).toEqual({ r0: BigInt.asUintN(64, -22n), instructions: MAIN_INSNS });
    expect(jitLikeInterpreter(loopProgram((1 << 23) + 1, 2, STOP_AT_3)).result).toEqual({ r0: BigInt.asUintN(64, -22n), instructions: MAIN_INSNS });
  });

  it('faults with BudgetExceeded when the callbacks use up the budget', () => {
    const { result } = jitLikeInterpreter(loopProgram(1 << 23, 0, ['mov r0, 0', 'exit']), { budget: 1000 });
    expect(result).toMatch(/^BudgetExceeded/);
  });

  it('runs nested loops through a local call with the context pointer, one frame below each caller', () => {
    // main: counter at r10-8, outer loop 3 times; each outer callback calls add_inner, which loops 2 times.
    const source = [
      'stdw [r10-8], 0',
      'mov r1, 3',
      'r2 = func[outer] ll',
      'mov r3, r10',
      'add r3, -8',
      'mov r4, 0',
      'call 181',
      'ldxdw r0, [r10-8]',
      'exit',
      'outer:',
      'stdw [r10-8], 7',
      'mov r1, r2',
      'call add_inner',
      'ldxdw r0, [r10-8]',
      'sub r0, 7',
      'exit',
      'add_inner:',
      'mov r3, r1',
      'mov r1, 2',
      'r2 = func[inner] ll',
      'mov r4, 0',
      'call 181',
      'mov r0, 0',
      'exit',
      'inner:',
      'ldxdw r3, [r2]',
      'add r3, 1',
      'stxdw [r2], r3',
      'mov r0, 0',
      'exit',
    ].join('\n');
    const { result, helperCalls } = jitLikeInterpreter(source);
    expect(result).toMatchObject({ r0: 6n });
    expect(helperCalls).toBe(0);
  });

  it('faults with CallDepthExceeded at the bpf_loop call when callbacks nest too deep', () => {
    // cb (from slot 7) calls bpf_loop on itself at slot 12.
    const { result } = jitLikeInterpreter(loopProgram(1, 0, ['mov r1, 1', 'r2 = func[cb] ll', 'mov r3, 0', 'mov r4, 0', 'call 181', 'exit']));
    expect(result).toMatch(/^CallDepthExceeded.*insn #12/);
  });

  it('goes through the runtime when the callback is not visible in the calling block', () => {
    const source = ['r2 = func[cb] ll', 'stxdw [r10-8], r2', 'mov r1, 5', 'ldxdw r2, [r10-8]', 'mov r3, 0', 'mov r4, 0', 'call 181', 'exit', 'cb:', ...STOP_AT_3];
    const { result, helperCalls } = jitLikeInterpreter(source.join('\n'));
    expect(result).toMatchObject({ r0: 4n });
    expect(helperCalls).toBe(1);
  });
});

describe('inline array map lookups', () => {
  const lookupKey = (key: number) =>
    ['.map a array key=4 value=12 entries=3', `stw [r10-4], ${key}`, 'r1 = map[a] ll', 'mov r2, r10', 'add r2, -4', 'call 1'];

  it('gives the value address of entry k (values 16 bytes apart) without calling the runtime', () => {
    const first = jitLikeInterpreter([...lookupKey(0), 'exit'].join('\n'));
    const third = jitLikeInterpreter([...lookupKey(2), 'exit'].join('\n'));
    expect(first.lookupCalls + third.lookupCalls).toBe(0);
    const [a, b] = [first.result, third.result] as RunResult[];
    expect(a.r0).not.toBe(0n);
    expect(b.r0 - a.r0).toBe(32n);
  });

  it('gives NULL for a key past max_entries, including keys that are negative as signed', () => {
    expect(jitLikeInterpreter([...lookupKey(3), 'exit'].join('\n')).result).toMatchObject({ r0: 0n });
    expect(jitLikeInterpreter([...lookupKey(-1), 'exit'].join('\n')).result).toMatchObject({ r0: 0n });
  });

  it('writes through the returned pointer into the map', () => {
    const source = [...lookupKey(1), 'jeq r0, 0, out', 'stdw [r0+8], 42', 'ldxdw r0, [r0+8]', 'out:', 'exit'].join('\n');
    expect(jitLikeInterpreter(source).result).toMatchObject({ r0: 42n });
  });

  it('calls the runtime for a key outside the stack and faults as the interpreter does', () => {
    const source = ['.map a array key=4 value=8 entries=3', 'r1 = map[a] ll', 'mov r2, 16', 'call 1', 'exit'].join('\n');
    const { result, lookupCalls } = jitLikeInterpreter(source);
    expect(result).toMatch(/^OutOfBoundsAccess/);
    expect(lookupCalls).toBe(1);
  });
});
