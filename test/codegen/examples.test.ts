// Every example query, compiled to eBPF and run by the interpreter at several chunk sizes, must equal the baseline.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createBaselineConsumer } from '../../src/baseline/scan.js';
import { planQuery } from '../../src/sql/bind.js';
import { directoryCatalog } from '../../src/datasets/catalog.js';
import { compileQuery } from '../../src/codegen/compile.js';
import { writeSensors } from '../../src/datasets/sensors.js';
import type { Plan } from '../../src/sql/plan.js';
import type { ResultTable } from '../../src/sql/result.js';
import { generateTpch } from '../../src/datasets/tpch/generate.js';
import { scanWithInterpreter } from './harness.js';
import { baselineBuildMaps, baselineBuildRows } from './join-maps.js';
import { joinLookup } from '../../src/baseline/join.js';
import type { Value } from '../../src/values/types.js';

const QUERIES = join(import.meta.dirname, '../../queries');
const queryFiles = readdirSync(QUERIES).filter((f) => f.endsWith('.sql')).sort();
let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-codegen-'));
  for (const format of ['csv', 'tbl'] as const) {
    generateTpch({ scaleFactor: 0.001, outDir: join(dir, format), format, tables: ['lineitem', 'orders', 'part', 'customer', 'nation'] });
  }
  writeSensors(join(dir, 'csv', 'sensors.csv'), join(dir, 'csv', 'sensors.schema'), 400);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** firstLines keeps the first `count` lines of a file (the header counts as one). */
function firstLines(bytes: Buffer, count: number): Buffer {
  let at = 0;
  for (let line = 0; line < count && at >= 0; line++) at = bytes.indexOf(10, at) + 1 || -1;
  return at <= 0 ? bytes : bytes.subarray(0, at);
}

function baseline(plan: Plan, bytes: Uint8Array, rows: Map<bigint, Value[]>[]): ResultTable {
  const consumer = createBaselineConsumer(plan, plan.table.path, joinLookup(plan, rows));
  consumer.write(bytes);
  return consumer.end();
}

describe.each(['csv', 'tbl'])('example queries over %s files', (format) => {
  test.each(queryFiles)('%s', (file) => {
    const sql = readFileSync(join(QUERIES, file), 'utf8');
    if (format === 'tbl' && sql.includes('from sensors')) return;
    const plan = planQuery(sql, directoryCatalog(join(dir, format)));
    const whole = readFileSync(plan.table.path);
    // A join's build sides are read whole (by the baseline); the probe table is cut short below.
    const rows = baselineBuildRows(plan);
    const runs: [lines: number, chunk: number][] = [
      [30, 1],
      [100, 7],
      [300, 64],
      [1000, 4096],
    ];
    for (const [lines, chunk] of runs) {
      const bytes = firstLines(whole, lines);
      const compiled = compileQuery(plan, { maxChunk: Math.max(chunk, 3520), buildMaps: baselineBuildMaps(plan, rows) });
      const scan = scanWithInterpreter(compiled, bytes, chunk);
      expect(compiled.decode(scan.read), `${file}, ${lines} lines in ${chunk}-byte chunks`).toEqual(baseline(plan, bytes, rows));
    }
  });
});
