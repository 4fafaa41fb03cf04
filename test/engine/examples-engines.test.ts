// Every example query in queries/ answers the same on the interpreter, the JIT and (where bpf() works) the Linux kernel, and equals the csv-parse baseline.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { executeQuery } from '../../src/engine/execute.js';
import { kernelAvailability } from '../../src/kernel/bpf.js';
import { KERNEL_MAX_CHUNK } from '../../src/storage/kernel-engine.js';
import { scanStopsAtLimit } from '../../src/sql/row-result.js';
import { projectRoot } from '../../src/util/paths.js';
import { EXAMPLE_QUERIES, useExampleData } from './example-data.js';

const root = projectRoot();
const queries = EXAMPLE_QUERIES;
const data = useExampleData('sluice-examples');

describe('example queries on both engines', () => {
  it('lists the example queries', () => expect(queries.length).toBeGreaterThanOrEqual(10));

  for (const name of queries) {
    it(name, async () => {
      const sql = readFileSync(join(root, 'queries', name), 'utf8');
      const base = { sql, queryFile: name, catalog: data.catalog, chunkBytes: 4096, link: {}, onError: 'stop' as const };
      // The interpreter run also ships everything and checks pushdown against the baseline.
      const interpreted = await executeQuery({ ...base, engine: 'interpreter', compare: true });
      const jitted = await executeQuery({ ...base, engine: 'jit', compare: false });
      expect(jitted.result).toEqual(interpreted.result);
      expect(jitted.pushdown.hook.instructions).toBe(interpreted.pushdown.hook.instructions);
      expect(interpreted.result.rows.length).toBeGreaterThan(0);
      if (!kernel.ok) return;
      // Linux itself, one BPF_PROG_TEST_RUN per chunk (chunks fit an XDP test run's linear buffer).
      const inKernel = await executeQuery({ ...base, chunkBytes: KERNEL_MAX_CHUNK, engine: 'kernel', compare: false });
      expect(inKernel.result).toEqual(interpreted.result);
      // One call per chunk and the end-of-file flush, unless a LIMIT without ORDER BY stopped the scan before the end.
      const stoppedEarly = inKernel.pushdown.hook.bytes < inKernel.pushdown.fileBytes;
      expect(stoppedEarly && !scanStopsAtLimit(inKernel.plan)).toBe(false);
      expect(inKernel.pushdown.hook.calls).toBe(inKernel.pushdown.hook.chunks + (stoppedEarly ? 0 : 1));
    });
  }
});

const kernel = kernelAvailability();
if (!kernel.ok) console.log(`the example queries skip the kernel engine: ${kernel.reason}`);
