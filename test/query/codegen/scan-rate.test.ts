// Scan rate of compiled TPC-H Q1 and Q6 over a generated SF 0.01 lineitem (a measurement, run with SLUICE_MEASURE=1).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { createBaselineConsumer } from '../../../src/query/baseline.js';
import { planQuery } from '../../../src/query/bind.js';
import { directoryCatalog } from '../../../src/query/catalog.js';
import { compileQuery } from '../../../src/query/codegen/compile.js';
import { generateTpch } from '../../../src/query/tpch/generate.js';
import { engineByName } from '../../../src/vm/engines.js';
import { scanWithInterpreter } from './harness.js';

const measure = process.env.SLUICE_MEASURE === '1';
if (!measure) console.log('skipping the codegen scan-rate measurement: set SLUICE_MEASURE=1 to run it');

test.skipIf(!measure)('Q1 and Q6 scan rate over SF 0.01 lineitem, interpreter and JIT', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-scan-rate-'));
  try {
    for (const format of ['csv', 'tbl'] as const) {
      generateTpch({ scaleFactor: 0.01, outDir: join(dir, format), format, tables: ['lineitem'] });
      for (const query of ['tpch-q6.sql', 'tpch-q1.sql']) {
        const plan = planQuery(readFileSync(join(import.meta.dirname, '../../../queries', query), 'utf8'), directoryCatalog(join(dir, format)));
        const bytes = readFileSync(plan.table.path);
        const baseline = createBaselineConsumer(plan);
        const started = performance.now();
        baseline.write(bytes);
        const expected = baseline.end();
        const baselineMs = performance.now() - started;
        const compiled = compileQuery(plan);
        for (const name of ['interpreter', 'jit']) {
          const engine = engineByName(name);
          if (engine === undefined) continue;
          const times: number[] = [];
          let instructions = 0;
          for (let round = 0; round < 3; round++) {
            const t = performance.now();
            const scan = scanWithInterpreter(compiled, bytes, 3520, engine);
            times.push(performance.now() - t);
            instructions = scan.instructions;
            expect(compiled.decode(scan.read)).toEqual(expected);
          }
          const ms = times.sort((a, b) => a - b)[1] as number;
          console.log(
            `${query} ${format} ${(bytes.length / 1e6).toFixed(1)} MB, ${name}: ${(bytes.length / ms / 1e3).toFixed(1)} MB/s median of 3, ` +
              `${(instructions / bytes.length).toFixed(1)} insns/byte; baseline (csv-parse) ${(bytes.length / baselineMs / 1e3).toFixed(1)} MB/s`,
          );
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 600_000);
