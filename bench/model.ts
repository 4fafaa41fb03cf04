// Charts of the scale model: time vs link bandwidth, time vs storage nodes (measured points from bench/results/cluster.json), compute-NIC bytes vs nodes.
// usage: node dist/bench/model.js [--query queries/tpch-q6.sql] [--data DIR] [--out bench/results]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { directoryCatalog } from '../src/datasets/catalog.js';
import { defaultCatalog } from '../src/datasets/default-data.js';
import { measureRates } from '../src/engine/rates.js';
import { DEFAULT_CLUSTER, project } from '../src/report/scale-model.js';
import { projectRoot } from '../src/util/paths.js';
import { lineChartSvg } from './charts/svg.js';
import { writeResults } from './lib/results-file.js';

const values = new Command('model')
  .option('--query <file.sql>', 'the query whose per-core rates are measured here', 'queries/tpch-q6.sql')
  .option('--data <dir>', 'its tables (default: datasets/ and the TPC-H SF 0.01 tables that sluice query uses)')
  .option('--out <dir>', 'where to write the charts and model.json', 'bench/results')
  .parse()
  .opts<{ query: string; data?: string; out: string }>();
const sql = readFileSync(values.query, 'utf8');
const catalog = values.data ? directoryCatalog(values.data) : defaultCatalog(projectRoot());
const rates = await measureRates({ sql, queryFile: values.query, catalog, engine: 'jit', chunkBytes: 4096, link: {}, onError: 'stop' });
const out = resolve(values.out);
const names = project(DEFAULT_CLUSTER, rates).map((p) => p.path);
const seriesOver = (xs: readonly number[], shapeAt: (x: number) => typeof DEFAULT_CLUSTER) =>
  names.map((name) => ({ name, values: xs.map((x) => project(shapeAt(x), rates).find((p) => p.path === name)?.seconds ?? NaN) }));

// 1. Time against NIC bandwidth (every NIC alike): ship-all is NIC-bound on slow links and bends to CPU-bound.
const gbits = [0.1, 0.25, 1, 2.5, 10, 25, 100, 400, 1600];
writeFileSync(
  join(out, 'model-time-vs-link.svg'),
  lineChartSvg({
    title: `${values.query}: end to end vs NIC speed (${DEFAULT_CLUSTER.nodes} nodes, 10 TB, modelled)`,
    xLabel: 'NIC bandwidth, Gbit/s (storage nodes and compute node)',
    yLabel: 'seconds',
    x: gbits,
    series: seriesOver(gbits, (g) => ({ ...DEFAULT_CLUSTER, nodeNicBytesPerSecond: (g * 1e9) / 8, computeNicBytesPerSecond: (g * 1e9) / 8 })),
  }),
);

// 2. Time against storage nodes: modelled (data-centre nodes), and measured wall clock here (SF 1, 1 core per node) where available.
const nodes = [1, 2, 4, 8, 16, 32, 64, 128];
const series = seriesOver(nodes, (n) => ({ ...DEFAULT_CLUSTER, nodes: n }));
const measuredFile = join(out, 'cluster.json');
if (existsSync(measuredFile)) {
  const measured = JSON.parse(readFileSync(measuredFile, 'utf8')) as { samples: Record<string, Record<string, { wallSeconds: number }[]>> };
  const name = values.query.replace(/^.*\//, '').replace(/\.sql$/, '');
  const median = (config: string) => {
    const runs = (measured.samples[name]?.[config] ?? []).map((s) => s.wallSeconds).sort((a, b) => a - b);
    return runs[Math.floor(runs.length / 2)] ?? NaN;
  };
  series.push({ name: 'measured, SF 1', values: nodes.map((n) => (n <= 2 ? median(`sluice --nodes ${n}`) : NaN)) });
}
writeFileSync(
  join(out, 'model-time-vs-nodes.svg'),
  lineChartSvg({ title: `${values.query}: end to end vs storage nodes (10 TB modelled; SF 1 measured)`, xLabel: 'storage nodes', yLabel: 'seconds', x: nodes, series }),
);

// 3. Bytes through the compute node's NIC: the whole table for ship-all; a program and a result per node for pushdown (measured wire bytes).
writeFileSync(
  join(out, 'model-compute-nic-bytes.svg'),
  lineChartSvg({
    title: 'bytes through the compute node NIC vs storage nodes (10 TB table)',
    xLabel: 'storage nodes',
    yLabel: 'bytes',
    x: nodes,
    series: [
      { name: 'pushdown', values: nodes.map((n) => n * rates.pushdownWireBytes) },
      { name: 'ship-all (any engine)', values: nodes.map(() => DEFAULT_CLUSTER.tableBytes) },
    ],
  }),
);
writeResults(join(out, 'model.json'), { query: values.query, rates, shape: DEFAULT_CLUSTER, projections: project(DEFAULT_CLUSTER, rates) }, 1);
process.stdout.write(`wrote model-time-vs-link.svg, model-time-vs-nodes.svg, model-compute-nic-bytes.svg and model.json to ${out}\n`);
