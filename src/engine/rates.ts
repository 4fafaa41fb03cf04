// Measures the per-core rates the scale model needs: the hook running a query's program, and each ship-all engine on the compute node.
import type { Rates } from '../report/scale-model.js';
import { COMPUTE_ENGINES } from './compute-engines.js';
import { duckDbInstalled } from './duckdb-compute.js';
import { executeQuery, type QueryOptions } from './execute.js';

/** MeasuredRates are Rates plus the file they were measured on. */
export interface MeasuredRates extends Rates {
  readonly file: string;
  readonly fileBytes: number;
  /** Wire bytes of one pushdown (the program to the node, the result back), both ways. */
  readonly pushdownWireBytes: number;
}

/**
 * measureRates runs the query once per ship-all engine with --compare: the pushdown program's CPU
 * time gives bytes per second per core at the hook (the fastest of the runs), and each ship-all run's
 * compute time gives that engine's rate on one compute-node core. DuckDB is left out when it is not installed.
 */
export async function measureRates(options: Omit<QueryOptions, 'compare' | 'compute'>): Promise<MeasuredRates> {
  let hookPerCore = 0;
  let file = '';
  let fileBytes = 0;
  let pushdownWireBytes = 0;
  const computePerCore: Record<string, number> = {};
  const withDuckDb = await duckDbInstalled();
  for (const compute of COMPUTE_ENGINES.filter((engine) => engine !== 'duckdb' || withDuckDb)) {
    const run = await executeQuery({ ...options, compare: true, compute });
    fileBytes = run.pushdown.fileBytes;
    pushdownWireBytes = run.pushdown.link.toStorage.wireBytes + run.pushdown.link.toCompute.wireBytes;
    file = run.plan.table.path;
    hookPerCore = Math.max(hookPerCore, fileBytes / run.pushdown.hook.cpuSeconds);
    computePerCore[compute] = fileBytes / (run.shipAll?.stats.computeSeconds ?? Number.POSITIVE_INFINITY);
  }
  return { hookPerCore, computePerCore, file, fileBytes, pushdownWireBytes };
}
