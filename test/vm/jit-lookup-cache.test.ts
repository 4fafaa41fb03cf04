// The JIT's hash-map lookup cache: same answers as the interpreter, the runtime asked only on a miss, nothing stale after a delete.
import { describe, expect, it, vi } from 'vitest';
import { assemble } from '../../src/asm/assembler.js';
import type { Engine, RunResult } from '../../src/vm/engine.js';
import { Interpreter } from '../../src/vm/interpreter.js';
import { jitEngine } from '../../src/vm/jit/engine.js';
import { Runtime } from '../../src/vm/runtime.js';

const u32 = (n: number) => new Uint8Array(new Uint32Array([n]).buffer);
const u64 = (n: bigint) => new Uint8Array(new BigUint64Array([n]).buffer);

/** lookupAdd looks key `key` up in map `map` and adds its value to r6, or `absent` when there is none. */
function lookupAdd(map: string, key: number, absent: number): string[] {
  const skip = `absent_${lookupAdd.labels++}`;
  const done = `${skip}_done`;
  return [`stw [r10-4], ${key}`, `r1 = map[${map}] ll`, 'mov r2, r10', 'add r2, -4', 'call 1', `jeq r0, 0, ${skip}`, 'ldxdw r1, [r0]', 'add r6, r1', `ja ${done}`, `${skip}:`, `add r6, ${absent}`, `${done}:`];
}
lookupAdd.labels = 0;

const DELETE_1 = ['stw [r10-4], 1', 'r1 = map[h] ll', 'mov r2, r10', 'add r2, -4', 'call 3'];

/** loaded loads `source` on a runtime whose map h holds 1 -> 10 and 2 -> 20, counting the runtime's lookups. */
function loaded(engine: Engine, source: string) {
  const spec = assemble(source);
  const runtime = new Runtime(spec.maps);
  runtime.map('h').update(u32(1), u64(10n));
  runtime.map('h').update(u32(2), u64(20n));
  const lookups = vi.spyOn(runtime, 'mapLookup');
  const executable = engine.load(spec, runtime);
  const run = (): RunResult | string => {
    try {
      return executable.run(0, 0);
    } catch (error) {
      return `${(error as Error).name}: ${(error as Error).message}`;
    }
  };
  return { runtime, run, lookups };
}

const HASH = '.map h hash key=4 value=8 entries=4';

describe('JIT hash-map lookup cache', () => {
  it('answers a repeated key from the cache, another key at the same address from the runtime, and nothing stale after a delete', () => {
    const source = [HASH, 'mov r6, 0', ...lookupAdd('h', 1, 1000), ...lookupAdd('h', 1, 1000), ...lookupAdd('h', 2, 1000), ...lookupAdd('h', 1, 1000), ...DELETE_1, ...lookupAdd('h', 1, 1000), 'mov r0, r6', 'exit'].join('\n');
    const jit = loaded(jitEngine, source);
    const interpreted = loaded(new Interpreter(), source);
    const result = jit.run();
    expect(result).toEqual(interpreted.run());
    expect(result).toMatchObject({ r0: 10n + 10n + 20n + 10n + 1000n });
    // Misses: the first 1, the first 2, and 1 after the delete (the helper call starts a new epoch).
    expect(jit.lookups.mock.calls.length).toBe(3);
  });

  it('sees the host delete a key, and reuse its value slot for another key, between runs', () => {
    const source = [HASH, 'mov r6, 0', ...lookupAdd('h', 1, 1000), 'mov r0, r6', 'exit'].join('\n');
    const { runtime, run } = loaded(jitEngine, source);
    expect(run()).toMatchObject({ r0: 10n });
    runtime.map('h').delete(u32(1));
    runtime.map('h').update(u32(3), u64(30n));
    expect(run()).toMatchObject({ r0: 1000n });
    runtime.map('h').update(u32(1), u64(11n));
    expect(run()).toMatchObject({ r0: 11n });
  });

  it('asks the runtime for a key outside the stack and map values, and faults as the interpreter does', () => {
    const source = [HASH, 'r1 = map[h] ll', 'mov r2, 16', 'call 1', 'exit'].join('\n');
    const jit = loaded(jitEngine, source).run();
    expect(jit).toMatch(/^OutOfBoundsAccess/);
    expect(jit).toEqual(loaded(new Interpreter(), source).run());
  });

  it('does not cache LRU maps, whose lookups refresh the entry', () => {
    const source = [HASH.replace('hash', 'lru_hash'), 'mov r6, 0', ...lookupAdd('h', 1, 1000), ...lookupAdd('h', 1, 1000), 'mov r0, r6', 'exit'].join('\n');
    const jit = loaded(jitEngine, source);
    expect(jit.run()).toMatchObject({ r0: 20n });
    expect(jit.lookups.mock.calls.length).toBe(2);
  });
});
