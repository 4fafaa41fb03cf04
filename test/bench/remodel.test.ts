// The benchmark's re-modelling at other link speeds agrees with the run itself at the run's own speed.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { endToEndAt } from '../../bench/queries/remodel.js';
import { directoryCatalog } from '../../src/datasets/catalog.js';
import { executeQuery } from '../../src/engine/execute.js';
import { projectRoot } from '../../src/util/paths.js';

describe('endToEndAt', () => {
  it('reproduces both runs at 10 Gbit/s and makes only ship-all slower on a 10x slower link', async () => {
    const run = await executeQuery({
      sql: 'select count(*), avg(temperature) from sensors',
      queryFile: 'query.sql',
      catalog: directoryCatalog(join(projectRoot(), 'datasets')),
      engine: 'jit',
      chunkBytes: 4096,
      link: { bandwidth: 10e9, latency: 50e-6 },
      compare: true,
      onError: 'stop',
    });
    const shipAll = run.shipAll!.stats;
    expect(endToEndAt(run.pushdown, 10e9, 50e-6)).toBeCloseTo(run.pushdown.pipeline.endToEnd, 12);
    expect(endToEndAt(shipAll, 10e9, 50e-6)).toBeCloseTo(shipAll.pipeline.endToEnd, 12);
    // At 1 Gbit/s the streamed file's link stage grows tenfold; pushdown's few messages barely move.
    const slowLink = endToEndAt(shipAll, 1e9, 50e-6);
    expect(slowLink).toBeGreaterThanOrEqual(shipAll.pipeline.endToEnd);
    expect(endToEndAt(run.pushdown, 1e9, 50e-6) - run.pushdown.pipeline.endToEnd).toBeLessThan(1e-3);
  });
});
