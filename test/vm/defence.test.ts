// Defence in depth: a store the verifier wrongly marked proven still cannot write what the tenant may only read.
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/assembler.js';
import { ENGINES } from '../../src/vm/engines.js';
import type { Engine, RunResult } from '../../src/vm/engine.js';
import { OutOfBoundsAccess, WriteToReadOnly } from '../../src/vm/errors.js';
import { CONTEXT_BASE, HELPER_FRAME, INPUT_BASE } from '../../src/vm/memory.js';
import { Runtime } from '../../src/vm/runtime.js';

const CHUNK = Uint8Array.from({ length: 64 }, (_, k) => 100 + k);
/** CONTEXT starts like xdp_md (data, data_end), then filler bytes. */
const CONTEXT = Uint8Array.from({ length: 48 }, (_, k) => k);
new DataView(CONTEXT.buffer).setUint32(0, INPUT_BASE, true);
new DataView(CONTEXT.buffer).setUint32(4, INPUT_BASE + CHUNK.length, true);
const MAPS = ['.map state array key=4 value=16 entries=2', '.map .rodata array key=4 value=8 entries=1 readonly init=0102030405060708'];

interface Forged {
  readonly runtime: Runtime;
  run(): RunResult;
}

/**
 * forged loads `source` with facts that claim every instruction's access is proven (as an unsound
 * verifier might), with a context of 48 bytes at r1 and a 64-byte read-only chunk.
 */
function forged(engine: Engine, source: string): Forged {
  const spec = assemble([...MAPS, source].join('\n'));
  const runtime = new Runtime(spec.maps);
  const safeAccesses = new Set(spec.insns.map((_, k) => k).concat(spec.insns.map((_, k) => k + spec.insns.length)));
  const executable = engine.load(spec, runtime, { safeAccesses });
  runtime.space.setContext(CONTEXT);
  runtime.space.setInput(CHUNK);
  return { runtime, run: () => executable.run(CONTEXT_BASE) };
}

function refusal(engine: Engine, source: string): { error: Error; runtime: Runtime } {
  const { runtime, run } = forged(engine, source);
  try {
    run();
  } catch (error) {
    return { error: error as Error, runtime };
  }
  throw new Error('expected the forged store to be refused');
}

const hex = (n: number) => `0x${n.toString(16)}`;

describe.each(ENGINES.map((engine) => [engine.name, engine] as const))('%s with forged proofs', (_name, engine) => {
  it.each([
    ['stw', 'stw [%r1+4], 7'],
    ['stxdw', 'mov %r2, 7\nstxdw [%r1+8], %r2'],
    ['atomic add', 'mov %r2, 7\nlock add [%r1+8], %r2'],
  ])('refuses a %s into the context', (_op, store) => {
    const { error, runtime } = refusal(engine, `${store}\nmov %r0, 0\nexit`);
    expect(error).toBeInstanceOf(WriteToReadOnly);
    const slot = store.split('\n').length - 1;
    expect(error.message).toMatch(new RegExp(`into the read-only context region \\(insn #${slot}\\)$`));
    expect([...runtime.space.bytes.subarray(CONTEXT_BASE, CONTEXT_BASE + CONTEXT.length)]).toEqual([...CONTEXT]);
  });

  it('refuses a store into the chunk through the data pointer', () => {
    const { error, runtime } = refusal(engine, 'ldxw %r2, [%r1]\nstb [%r2+3], 0xff\nmov %r0, 0\nexit');
    expect(error).toBeInstanceOf(WriteToReadOnly);
    expect(error.message).toMatch(/into the read-only input region \(insn #1\)$/);
    expect([...runtime.space.bytes.subarray(INPUT_BASE, INPUT_BASE + CHUNK.length)]).toEqual([...CHUNK]);
  });

  it('refuses a store into a read-only map', () => {
    const { error, runtime } = refusal(engine, 'lddw %r2, map[.rodata][0]+0\nmov %r3, 0\nstxw [%r2+4], %r3\nmov %r0, 0\nexit');
    expect(error).toBeInstanceOf(WriteToReadOnly);
    expect(error.message).toMatch(/value region of map #1 \(insn #3\)$/);
    expect([...(runtime.map('.rodata').lookup(Uint8Array.of(0, 0, 0, 0)) ?? [])]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('refuses a store into the helper frame', () => {
    const { error } = refusal(engine, `lddw %r2, ${hex(HELPER_FRAME)}\nstdw [%r2+8], 1\nmov %r0, 0\nexit`);
    expect(error).toBeInstanceOf(OutOfBoundsAccess);
    expect(error.message).toMatch(new RegExp(`8 bytes at ${hex(HELPER_FRAME + 8)}.*\\(insn #2\\)$`));
  });

  it('refuses a store whose pointer has its high half set', () => {
    const { error } = refusal(engine, 'mov %r2, %r10\nlddw %r3, 0x100000000\nadd %r2, %r3\nstb [%r2-8], 1\nmov %r0, 0\nexit');
    expect(error).toBeInstanceOf(OutOfBoundsAccess);
    expect(error.message).toMatch(/\(insn #4\)$/);
  });

  it('still runs proven stores into the stack and writable maps', () => {
    const source = [
      'mov %r6, %r10',
      'stdw [%r6-16], 40',
      'lddw %r7, map[state][0]+16',
      'stw [%r7+12], 2',
      'ldxdw %r0, [%r6-16]',
      'ldxw %r1, [%r7+12]',
      'add %r0, %r1',
      'exit',
    ].join('\n');
    const { runtime, run } = forged(engine, source);
    expect(run().r0).toBe(42n);
    expect([...(runtime.map('state').lookup(Uint8Array.of(1, 0, 0, 0)) ?? [])].slice(12)).toEqual([2, 0, 0, 0]);
  });
});
