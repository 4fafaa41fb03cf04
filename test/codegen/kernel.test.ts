// Every example query's program loads into Linux as XDP, and its kernel maps after a scan equal Sluice's interpreter's.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { XDP_TEST_RUN_BYTES, kernelAvailability, loadKernelProgram, testRun } from '../../src/kernel/bpf.js';
import { planQuery } from '../../src/sql/bind.js';
import { directoryCatalog } from '../../src/datasets/catalog.js';
import { compileQuery } from '../../src/codegen/compile.js';
import { writeSensors } from '../../src/datasets/sensors.js';
import { generateTpch } from '../../src/datasets/tpch/generate.js';
import { OutputBuffer } from '../../src/storage/hook-context.js';
import { scanWithInterpreter } from './harness.js';
import { baselineBuildMaps, baselineBuildRows } from './join-maps.js';
import { buildKeyedPlan } from '../../src/sql/join-build.js';
import { buildMap, rowEntries, type BuildEntries } from '../../src/codegen/build-map.js';
import { Runtime } from '../../src/vm/runtime.js';
import type { MapSpec } from '../../src/asm/program.js';

const QUERIES = join(import.meta.dirname, '../../queries');
const queryFiles = readdirSync(QUERIES).filter((f) => f.endsWith('.sql')).sort();
const availability = kernelAvailability();
if (!availability.ok) console.log(`skipping kernel codegen tests: ${availability.reason}`);
let dir = '';

beforeAll(() => {
  if (!availability.ok) return;
  dir = mkdtempSync(join(tmpdir(), 'sluice-codegen-kernel-'));
  generateTpch({ scaleFactor: 0.001, outDir: dir, format: 'tbl', tables: ['lineitem', 'orders', 'part', 'customer', 'nation'] });
  writeSensors(join(dir, 'sensors.csv'), join(dir, 'sensors.schema'), 400);
});
afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

/** kernelChunks cuts bytes into chunks the XDP test run takes whole: at most 3,520 bytes, at least 14. */
function kernelChunks(bytes: Uint8Array): Uint8Array[] {
  const { min, maxLinear } = XDP_TEST_RUN_BYTES;
  const chunks: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    let size = Math.min(maxLinear, bytes.length - at);
    const rest = bytes.length - at - size;
    if (rest > 0 && rest < min) size -= min;
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

/** outputDrain copies a row selection's records out of the kernel's output buffer after each test run, as the node does. */
function outputDrain(program: ReturnType<typeof loadKernelProgram>, maps: readonly { name: string }[]) {
  const map = program.maps[maps.findIndex((m) => m.name === OutputBuffer.mapName)];
  const records: [Uint8Array, Uint8Array][] = [];
  const key = (index: number) => new Uint8Array(new Uint32Array([index]).buffer);
  return {
    records,
    drain(): void {
      if (map === undefined) return;
      const count = Number(Buffer.from(map.lookup(key(0)) as Uint8Array).readBigUInt64LE(OutputBuffer.count));
      for (let i = 1; i <= count; i++) records.push([key(records.length), map.lookup(key(i)) as Uint8Array]);
    },
  };
}

/** loaded lists a build map's entries as a program finds them (created from its contents), in key order. */
function loaded(spec: MapSpec): string[] {
  return sorted(new Runtime([spec]).maps[0]?.entries() ?? []).filter((entry) => !/=0+$/.test(entry));
}

/** sorted orders map entries by key so kernel and interpreter hash maps compare regardless of iteration order. */
function sorted(entries: Iterable<readonly [Uint8Array, Uint8Array]>): string[] {
  return [...entries].map(([k, v]) => `${Buffer.from(k).toString('hex')}=${Buffer.from(v).toString('hex')}`).sort();
}

describe.skipIf(!availability.ok)('kernel XDP runs of the example queries', () => {
  test.each(queryFiles)('%s', (file) => {
    const plan = planQuery(readFileSync(join(QUERIES, file), 'utf8'), directoryCatalog(dir));
    // A join's probe program loads with its build maps (filled from the build tables); Linux gets them at map creation.
    const compiled = compileQuery(plan, { buildMaps: baselineBuildMaps(plan) });
    const bytes = readFileSync(plan.table.path).subarray(0, 80_000);
    // Generated files end with a line break; cut at one so the kernel (which cannot run an empty flush chunk) needs none.
    const whole = bytes.subarray(0, bytes.lastIndexOf(10) + 1);
    const program = loadKernelProgram(compiled.spec, { type: 'xdp' });
    try {
      const chunks = kernelChunks(whole);
      const drained = outputDrain(program, compiled.spec.maps);
      for (const chunk of chunks) {
        expect(testRun(program.fd, chunk).retval).toBe(1);
        drained.drain();
      }
      const interpreter = scanWithInterpreter(compiled, whole, 3520);
      const kernelRead = (name: string) =>
        name === OutputBuffer.mapName ? drained.records : (program.maps[compiled.spec.maps.findIndex((m) => m.name === name)]?.entries() ?? []);
      for (const { name } of compiled.spec.maps) expect(sorted(kernelRead(name)), `map ${name}`).toEqual(sorted(interpreter.read(name)));
      expect(compiled.decode(kernelRead)).toEqual(compiled.decode(interpreter.read));
      console.log(`${file}: ${compiled.spec.insns.length} instructions, kernel verifier processed ${program.processedInsns}`);
    } finally {
      program.close();
    }
  });

  // A join's build side program fills the probe's map; under Linux it fills the same map, which is the map the baseline's rows make.
  const joins = queryFiles.filter((file) => /^(tpch-q1[249]|join-|customers-by)/.test(file));
  const withHash = ['tpch-q12.sql', 'join-quarter-priorities.sql'];
  test.each(joins.flatMap((file) => (withHash.includes(file) ? [[file, 'array'], [file, 'hash']] as const : [[file, 'array']] as const)))('%s build side, %s map', (file, type) => {
    const plan = planQuery(readFileSync(join(QUERIES, file), 'utf8'), directoryCatalog(dir));
    expect(plan.join).toBeDefined();
    const expected = baselineBuildRows(plan);
    (plan.join?.builds ?? []).forEach((build, index) => {
      const side = buildKeyedPlan(plan, index);
      // All keys in the array, or all but key 0 in the hash map.
      const compiled = compileQuery(side, { keyedMap: type === 'array' ? { arrayEntries: 8192, hashEntries: 16 } : { arrayEntries: 1, hashEntries: 8192 } });
      const bytes = readFileSync(side.table.path);
      const program = loadKernelProgram(compiled.spec, { type: 'xdp' });
      try {
        for (const chunk of kernelChunks(bytes)) expect(testRun(program.fd, chunk).retval).toBe(1);
        const interpreter = scanWithInterpreter(compiled, bytes, 3520);
        const kernelRead = (name: string) => program.maps[compiled.spec.maps.findIndex((m) => m.name === name)]?.entries() ?? [];
        for (const { name } of compiled.spec.maps) expect(sorted(kernelRead(name)), `map ${name}`).toEqual(sorted(interpreter.read(name)));
        const hashed = [...kernelRead('build_hash')];
        const entries: BuildEntries = {
          block: Uint8Array.from([...kernelRead('build')].flatMap(([, value]) => [...value])),
          keys: Buffer.concat(hashed.map(([key]) => key)),
          values: Buffer.concat(hashed.map(([, value]) => value)),
        };
        const fromKernel = buildMap(build, index, entries);
        const fromBaseline = buildMap(build, index, rowEntries(build, expected[index] as Map<bigint, never>));
        expect(fromKernel.rows).toBe(expected[index]?.size);
        expect(loaded(fromKernel.spec)).toEqual(loaded(fromBaseline.spec));
        expect(fromKernel.spec.type).toBe(fromBaseline.spec.type);
      } finally {
        program.close();
      }
    });
  });

  test('a file without a final line break: the kernel gets the flush as an appended line break', () => {
    const plan = planQuery(readFileSync(join(QUERIES, 'tpch-q6.sql'), 'utf8'), directoryCatalog(dir));
    const compiled = compileQuery(plan);
    const bytes = readFileSync(plan.table.path).subarray(0, 30_000);
    const unterminated = bytes.subarray(0, bytes.lastIndexOf(10));
    // XDP test runs need at least 14 bytes, so the empty end-of-file chunk cannot be sent; a line break does the same.
    const program = loadKernelProgram(compiled.spec, { type: 'xdp' });
    try {
      for (const chunk of kernelChunks(Buffer.concat([unterminated, Buffer.from('\n')]))) testRun(program.fd, chunk);
      const kernelRead = (name: string) => program.maps[compiled.spec.maps.findIndex((m) => m.name === name)]?.entries() ?? [];
      const interpreter = scanWithInterpreter(compiled, unterminated, 3520);
      expect(compiled.decode(kernelRead)).toEqual(compiled.decode(interpreter.read));
    } finally {
      program.close();
    }
  });
});
