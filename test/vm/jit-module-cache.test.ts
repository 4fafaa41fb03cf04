// The process's shared WebAssembly modules: one compile per module bytes, the oldest dropped past the limit, no state shared between loads.
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/assembler.js';
import { jitEngine } from '../../src/vm/jit/engine.js';
import { MAX_SHARED_MODULES, sharedModule } from '../../src/vm/jit/module-cache.js';
import { Runtime } from '../../src/vm/runtime.js';

/** emptyModule is a valid module with nothing in it but a custom section named `name`, so that each name gives other bytes. */
function emptyModule(name: string): Uint8Array<ArrayBuffer> {
  const bytes = [...Buffer.from(name, 'latin1')];
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x00, bytes.length + 1, bytes.length, ...bytes]);
}

describe('shared JIT modules', () => {
  it('compiles equal bytes once, whatever array holds them, and other bytes apart', () => {
    const first = sharedModule(emptyModule('same'));
    expect(sharedModule(emptyModule('same'))).toBe(first);
    expect(sharedModule(emptyModule('other'))).not.toBe(first);
  });

  it(`keeps the ${MAX_SHARED_MODULES} most recently loaded modules`, () => {
    const kept = sharedModule(emptyModule('kept'));
    const dropped = sharedModule(emptyModule('dropped'));
    for (let k = 0; k < MAX_SHARED_MODULES - 2; k++) sharedModule(emptyModule(`filler ${k}`));
    expect(sharedModule(emptyModule('kept'))).toBe(kept);
    sharedModule(emptyModule('one more'));
    expect(sharedModule(emptyModule('kept'))).toBe(kept);
    expect(sharedModule(emptyModule('dropped'))).not.toBe(dropped);
  });

  it('gives each load of the same program its own maps and memory', () => {
    // Adds 1 to the array map's value 0 and returns the new value.
    const spec = assemble(
      ['.map counter array key=4 value=8 entries=1', 'stw [r10-4], 0', 'r1 = map[counter] ll', 'mov r2, r10', 'add r2, -4', 'call 1', 'jeq r0, 0, out', 'ldxdw r1, [r0]', 'add r1, 1', 'stxdw [r0], r1', 'mov r0, r1', 'out:', 'exit'].join('\n'),
    );
    const [a, b] = [new Runtime(spec.maps), new Runtime(spec.maps)];
    const [runA, runB] = [jitEngine.load(spec, a), jitEngine.load(spec, b)];
    expect([runA.run(0).r0, runA.run(0).r0, runA.run(0).r0]).toEqual([1n, 2n, 3n]);
    expect(runB.run(0).r0).toBe(1n);
    expect(runA.run(0).r0).toBe(4n);
  });
});
