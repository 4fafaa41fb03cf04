// Helpers are charged for the bytes they copy and format, trace output is bounded, and maps are bounded per runtime.
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/assembler.js';
import type { MapSpec } from '../../src/asm/program.js';
import { ENGINES } from '../../src/vm/engines.js';
import { BudgetExceeded } from '../../src/vm/errors.js';
import { checkMapSpecs, MapSpecError } from '../../src/vm/maps.js';
import { Runtime, TRACE_LINE_BYTES } from '../../src/vm/runtime.js';

/** copy(n) copies n bytes of the value of map `src` into map `dst` with probe_read_kernel, `times` times. */
function copyProgram(bytes: number, times: number) {
  const body = [];
  for (let k = 0; k < times; k++) {
    body.push('r1 = map[dst][0] ll', `r2 = ${bytes}`, 'r3 = map[src][0] ll', 'call bpf_probe_read_kernel');
  }
  return assemble(
    ['.map src array key=4 value=8192 entries=1', '.map dst array key=4 value=8192 entries=1', ...body, 'r0 = 0', 'exit'].join('\n'),
  );
}

/** traceProgram prints a format of `length` bytes (all 'x', NUL at the end) from a read-only map, `times` times. */
function traceProgram(length: number, times: number) {
  const init = Buffer.alloc(length + 1, 'x'.charCodeAt(0));
  init[length] = 0;
  const body = [];
  for (let k = 0; k < times; k++) body.push('r1 = map[fmt][0] ll', `r2 = ${length + 1}`, 'call bpf_trace_printk');
  return assemble(
    [`.map fmt array key=4 value=${length + 1} entries=1 readonly init=${init.toString('hex')}`, ...body, 'r0 = 0', 'exit'].join('\n'),
  );
}

describe.each(ENGINES.map((engine) => [engine.name, engine] as const))('%s', (_name, engine) => {
  it('counts one instruction per 8 bytes a helper copies', () => {
    const small = engine.load(copyProgram(8, 3), new Runtime(copyProgram(8, 3).maps)).run(0).instructions;
    const spec = copyProgram(8192, 3);
    const runtime = new Runtime(spec.maps);
    runtime.map('src').update(Uint8Array.of(0, 0, 0, 0), new Uint8Array(8192).fill(7));
    const big = engine.load(spec, runtime).run(0).instructions;
    expect(big - small).toBe(3 * (8192 / 8 - 1));
    expect(runtime.map('dst').lookup(Uint8Array.of(0, 0, 0, 0))?.every((b) => b === 7)).toBe(true);
  });

  it('refuses a copy that would take the run past its budget before copying', () => {
    const spec = copyProgram(8192, 3);
    const runtime = new Runtime(spec.maps, { budget: 2000 });
    runtime.map('src').update(Uint8Array.of(0, 0, 0, 0), new Uint8Array(8192).fill(7));
    const executable = engine.load(spec, runtime);
    expect(() => executable.run(0)).toThrow(BudgetExceeded);
    expect(() => executable.run(0)).toThrow(/instruction budget of 2000 .*\(insn #11\)$/);
  });

  it('truncates a huge trace line, charges for it, and drops lines past the runtime\'s trace limit with a count', () => {
    const spec = traceProgram(60_000, 5);
    const runtime = new Runtime(spec.maps, { traceBytes: 3 * TRACE_LINE_BYTES });
    const executable = engine.load(spec, runtime);
    const { instructions } = executable.run(0);
    expect(runtime.trace).toEqual(Array(3).fill('x'.repeat(TRACE_LINE_BYTES)));
    expect(runtime.traceDropped).toBe(2);
    // Each call reads at most TRACE_LINE_BYTES of format and writes as many: 2 x 128 units charged.
    expect(instructions).toBe(5 * 3 + 2 + 5 * 2 * Math.ceil(TRACE_LINE_BYTES / 8));
    executable.run(0);
    expect(runtime.trace).toEqual([]);
    expect(runtime.traceDropped).toBe(7);
  });
});

describe('map memory per runtime', () => {
  const map = (name: string, valueSize: number, maxEntries: number, type: MapSpec['type'] = 'array'): MapSpec => ({
    name,
    type,
    keySize: type === 'array' ? 4 : 8,
    valueSize,
    maxEntries,
    flags: 0,
  });

  it('refuses, naming it, the map that takes the maps past the limit', () => {
    const specs = [map('small', 64, 1000), map('huge', 4096, 100_000)];
    expect(() => checkMapSpecs(specs, 64 * 2 ** 20)).toThrow(MapSpecError);
    expect(() => checkMapSpecs(specs, 64 * 2 ** 20)).toThrow(
      'map "huge" needs 409600000 bytes for 100000 entries (with 64000 bytes of maps before it), over the limit of 67108864 bytes of maps per tenant',
    );
    expect(() => new Runtime(specs, { mapMemory: 64 * 2 ** 20 })).toThrow(/map "huge" needs/);
  });

  it('counts the keys of hash maps and refuses keys Linux refuses', () => {
    expect(() => checkMapSpecs([map('groups', 8, 1000, 'hash')], 15_999)).toThrow(/map "groups" needs 16000 bytes/);
    expect(() => checkMapSpecs([map('groups', 8, 1000, 'hash')], 16_000)).not.toThrow();
    expect(() => checkMapSpecs([{ ...map('k', 8, 1, 'hash'), keySize: 513 }])).toThrow('map "k": hash keys may be at most 512 bytes, got 513');
  });
});
