// Query bench: every example query, pushdown against ship-all, at several scale factors and link speeds.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { writeSensors } from '../../src/datasets/sensors.js';
import { directoryCatalog } from '../../src/datasets/catalog.js';
import { executeQuery, type QueryRun } from '../../src/engine/execute.js';
import { generateTpch } from '../../src/datasets/tpch/generate.js';
import type { EngineName } from '../../src/vm/engine.js';
import { endToEndAt } from './remodel.js';

/** LINK_GBITS are the link speeds every run is modelled at. */
export const LINK_GBITS = [1, 10, 100, 400] as const;
const LATENCY = 50e-6;

/** QueryBenchRow is one query at one scale factor. */
export interface QueryBenchRow {
  readonly query: string;
  readonly sf: number;
  readonly table: string;
  readonly fileBytes: number;
  readonly rows: number;
  /** Median wall time of `sluice query` without --compare (plan, compile, verify, scan, decode). */
  readonly pushdownWallSeconds: number;
  readonly scanMBps: number;
  /** Measured compute-node parse/compute time of ship-all (csv-parse + exact evaluation). */
  readonly shipAllComputeSeconds: number;
  readonly shipAllMBps: number;
  readonly hookInstructions: number;
  readonly linkWireBytes: { readonly pushdown: number; readonly shipAll: number };
  readonly linkPackets: { readonly pushdown: number; readonly shipAll: number };
  /** Modelled end-to-end seconds at each of LINK_GBITS. */
  readonly endToEnd: readonly { readonly gbit: number; readonly pushdown: number; readonly shipAll: number }[];
  /** Smallest link speed (Gbit/s) at which ship-all's modelled end to end beats pushdown's, if any up to 10 Tbit/s. */
  readonly crossoverGbit: number | null;
  /** Link speed at which shipping raw bytes takes as long as the hook takes to scan them. */
  readonly linkMatchesHookGbit: number;
}

/** QueryBenchOptions choose scale factors, engine and where data lives. */
export interface QueryBenchOptions {
  readonly scaleFactors: readonly number[];
  readonly engine: EngineName;
  readonly chunkBytes: number;
  readonly passes: number;
  readonly dataRoot: string;
  readonly queriesDir: string;
  readonly log: (line: string) => void;
}

/** ensureBenchData generates the TPC-H tables and a sensors table (6M readings x SF) for `sf` once. */
export function ensureBenchData(dataRoot: string, sf: number, log: (line: string) => void): string {
  const dir = join(dataRoot, `tpch-sf${sf}`);
  if (!existsSync(join(dir, 'lineitem.csv'))) {
    log(`generating TPC-H SF ${sf} in ${dir}`);
    generateTpch({ scaleFactor: sf, outDir: dir });
  }
  if (!existsSync(join(dir, 'sensors.csv'))) writeSensors(join(dir, 'sensors.csv'), join(dir, 'sensors.schema'), Math.round(sf * 6_000_000));
  return dir;
}

/** runQueryBench runs every query file at every scale factor. */
export async function runQueryBench(options: QueryBenchOptions): Promise<QueryBenchRow[]> {
  const queries = readdirSync(options.queriesDir).filter((f) => f.endsWith('.sql')).sort();
  const rows: QueryBenchRow[] = [];
  for (const sf of options.scaleFactors) {
    const catalog = directoryCatalog(ensureBenchData(options.dataRoot, sf, options.log));
    for (const name of queries) {
      const queryFile = join(options.queriesDir, name);
      const base = {
        sql: readFileSync(queryFile, 'utf8'),
        queryFile,
        catalog,
        engine: options.engine,
        chunkBytes: options.chunkBytes,
        link: { latency: LATENCY },
        onError: 'stop' as const,
      };
      const bench = new Bench({ iterations: options.passes, time: 0, warmup: false, throws: true });
      bench.add(name, async () => void (await executeQuery({ ...base, compare: false })));
      await bench.run();
      const wall = (bench.tasks[0]!.result as { latency: { p50: number } }).latency.p50 / 1000;
      const run = await executeQuery({ ...base, compare: true });
      const row = benchRow(name.replace(/\.sql$/, ''), sf, wall, run);
      options.log(
        `SF ${sf} ${row.query}: ${row.scanMBps.toFixed(1)} MB/s pushdown, ${row.shipAllMBps.toFixed(1)} MB/s ship-all, link ${row.linkWireBytes.pushdown} vs ${row.linkWireBytes.shipAll} wire bytes`,
      );
      rows.push(row);
    }
  }
  return rows;
}

function benchRow(query: string, sf: number, wallSeconds: number, run: QueryRun): QueryBenchRow {
  const p = run.pushdown;
  const s = run.shipAll!.stats;
  const wire = (r: typeof p) => r.link.toStorage.wireBytes + r.link.toCompute.wireBytes;
  const packets = (r: typeof p) => r.link.toStorage.packets + r.link.toCompute.packets;
  return {
    query,
    sf,
    table: p.file,
    fileBytes: p.fileBytes,
    rows: run.rows,
    pushdownWallSeconds: wallSeconds,
    scanMBps: p.fileBytes / 1e6 / wallSeconds,
    shipAllComputeSeconds: s.computeSeconds,
    shipAllMBps: s.fileBytes / 1e6 / s.computeSeconds,
    hookInstructions: p.hook.instructions,
    linkWireBytes: { pushdown: wire(p), shipAll: wire(s) },
    linkPackets: { pushdown: packets(p), shipAll: packets(s) },
    endToEnd: LINK_GBITS.map((gbit) => ({
      gbit,
      pushdown: endToEndAt(p, gbit * 1e9, LATENCY),
      shipAll: endToEndAt(s, gbit * 1e9, LATENCY),
    })),
    crossoverGbit: crossover(p, s),
    linkMatchesHookGbit: (s.link.toCompute.wireBytes * 8) / Math.max(p.hook.cpuSeconds, 1e-9) / 1e9,
  };
}

function crossover(p: QueryRun['pushdown'], s: QueryRun['pushdown']): number | null {
  for (let gbit = 0.1; gbit <= 10_000; gbit *= 1.25) {
    if (endToEndAt(s, gbit * 1e9, LATENCY) < endToEndAt(p, gbit * 1e9, LATENCY)) return Number(gbit.toPrecision(3));
  }
  return null;
}

/** ensureDir makes a results directory. */
export function ensureDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}
