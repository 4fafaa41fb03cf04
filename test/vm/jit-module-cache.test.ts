// The process's shared WebAssembly modules: one compile per module bytes and tiers, the oldest dropped past the limit, no state shared between loads, baseline-only modules never optimised, a user's tiering flags kept.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/assembler.js';
import { OPTIMISE_FROM_BYTES, jitEngine } from '../../src/vm/jit/engine.js';
import { MAX_SHARED_MODULES, sharedModule } from '../../src/vm/jit/module-cache.js';
import { Runtime } from '../../src/vm/runtime.js';

/** emptyModule is a valid module with nothing in it but a custom section named `name`, so that each name gives other bytes. */
function emptyModule(name: string): Uint8Array<ArrayBuffer> {
  const bytes = [...Buffer.from(name, 'latin1')];
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x00, bytes.length + 1, bytes.length, ...bytes]);
}

/** spinModule exports spin(n): a loop of n additions, hot enough for V8 to optimise it; `name` (a custom section) makes the bytes differ. */
function spinModule(name: string): number[] {
  const label = [...Buffer.from(name, 'latin1')];
  const body = [0x01, 0x01, 0x7f, 0x03, 0x40, 0x20, 0x01, 0x20, 0x00, 0x6a, 0x21, 0x01, 0x20, 0x00, 0x41, 0x01, 0x6b, 0x22, 0x00, 0x0d, 0x00, 0x0b, 0x20, 0x01, 0x0b];
  return [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...[0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f],
    ...[0x03, 0x02, 0x01, 0x00],
    ...[0x07, 0x08, 0x01, 0x04, 0x73, 0x70, 0x69, 0x6e, 0x00, 0x00],
    ...[0x0a, body.length + 2, 0x01, body.length, ...body],
    ...[0x00, label.length + 1, label.length, ...label],
  ];
}

/**
 * compiledFunctions runs `script` (an ES module, with `sharedModule` and the bytes of `spinModule(name)`
 * for each of `names` as `modules[name]` in scope) in a fresh Node that traces V8's WebAssembly
 * compiles, and counts the functions each compiler compiled. The script imports the built module
 * cache (dist/, which `npm run build` makes).
 */
function compiledFunctions(names: readonly string[], script: string, flags: readonly string[] = []): { optimised: number; baseline: number } {
  const cache = pathToFileURL(join(import.meta.dirname, '..', '..', 'dist', 'src', 'vm', 'jit', 'module-cache.js')).href;
  const modules = Object.fromEntries(names.map((name) => [name, spinModule(name)]));
  const source = `import { sharedModule } from '${cache}';\nconst modules = Object.fromEntries(Object.entries(${JSON.stringify(modules)}).map(([name, bytes]) => [name, new Uint8Array(bytes)]));\n${script}`;
  const run = spawnSync(process.execPath, ['--trace-wasm-compilation-times', ...flags, '--input-type=module', '-e', source], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return { optimised: run.stdout.match(/Compiled function \S+ using TurboFan/g)?.length ?? 0, baseline: run.stdout.match(/Compiled function \S+ using Liftoff/g)?.length ?? 0 };
}

describe('shared JIT modules', () => {
  it('compiles equal bytes once, whatever array holds them, and other bytes apart', () => {
    const first = sharedModule(emptyModule('same'));
    expect(sharedModule(emptyModule('same'))).toBe(first);
    expect(sharedModule(emptyModule('other'))).not.toBe(first);
  });

  it('keeps a baseline-only module apart from the tiered one of the same bytes', () => {
    const tiered = sharedModule(emptyModule('tiers'));
    const baseline = sharedModule(emptyModule('tiers'), 'baseline');
    expect(baseline).not.toBe(tiered);
    expect(sharedModule(emptyModule('tiers'), 'baseline')).toBe(baseline);
    expect(sharedModule(emptyModule('tiers'), 'tiered')).toBe(tiered);
  });

  it('never optimises a baseline-only module, and leaves V8 optimising the modules compiled after it', () => {
    const hot = 'for (let k = 0; k < 50; k++) instance.exports.spin(1_000_000);';
    expect(compiledFunctions(['base'], `const instance = new WebAssembly.Instance(sharedModule(modules.base, 'baseline'));\n${hot}`)).toEqual({ optimised: 0, baseline: 1 });
    const after = compiledFunctions(['base', 'tier'], `sharedModule(modules.base, 'baseline');\nconst instance = new WebAssembly.Instance(sharedModule(modules.tier));\n${hot}`);
    expect(after.optimised).toBeGreaterThan(0);
  });

  it('leaves tiering flags the user started Node with as they were', () => {
    const hot = 'for (let k = 0; k < 50; k++) instance.exports.spin(1_000_000);';
    const script = `sharedModule(modules.base, 'baseline');\nconst instance = new WebAssembly.Instance(sharedModule(modules.tier));\n${hot}`;
    expect(compiledFunctions(['base', 'tier'], script, ['--no-wasm-tier-up', '--no-wasm-dynamic-tiering']).optimised).toBe(0);
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
    // Loaded for a small input (baseline-only code, a module of its own), it runs the same.
    const small = jitEngine.load(spec, new Runtime(spec.maps), undefined, undefined, OPTIMISE_FROM_BYTES - 1);
    expect([small.run(0).r0, small.run(0).r0]).toEqual([1n, 2n]);
  });
});
