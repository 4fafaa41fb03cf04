// `npm run bench`: engines on the anchor, every query pushdown vs ship-all, scaling; writes JSON, markdown and SVG charts.
// usage: node dist/bench/main.js [--sf 0.01,0.1] [--sf1] [--engine jit] [--skip-anchor] [--anchor-mib 64] [--out bench/results]
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { MAX_CHUNK_LIMIT } from '../src/codegen/compile.js';
import { directoryCatalog } from '../src/datasets/catalog.js';
import { measureRates } from '../src/engine/rates.js';
import { DEFAULT_CLUSTER, formatModel } from '../src/report/scale-model.js';
import type { EngineName } from '../src/vm/engine.js';
import { barChartSvg, lineChartSvg } from './charts/svg.js';
import { writeResults } from './lib/results-file.js';
import { ensureBenchData, ensureDir, LINK_GBITS, runQueryBench, type QueryBenchRow } from './queries/run.js';
import { positiveInteger } from '../src/util/option-values.js';

const command = new Command('sluice bench')
  .description('Run Sluice\'s benchmarks and write bench/results/{*.json,summary.md,*.svg}')
  .option('--sf <list>', 'scale factors for the query and scaling benches', '0.01,0.1')
  .option('--sf1', 'also run scale factor 1 (6M line items, ~770 MB; takes minutes)')
  .option('--engine <name>', 'engine for the query benches', 'jit')
  .option('--chunk <bytes>', 'hook chunk size for the query bench', positiveInteger, 4096)
  .option('--passes <n>', 'timed pushdown passes per query (median reported)', positiveInteger, 3)
  .option('--anchor-mib <n>', 'MiB of anchor CSV for the engine bench', positiveInteger, 64)
  .option('--skip-anchor', 'skip the engine bench on the anchor program')
  .option('--data <dir>', 'where generated data lives (git-ignored)', 'bench/data')
  .option('--out <dir>', 'results directory', 'bench/results')
  .addHelpText(
    'after',
    '\nExamples (also as `npm run bench -- ...` or `node dist/bench/main.js ...`):\n' +
      '  sluice bench                                      # SF 0.01 and 0.1, results in bench/results\n' +
      '  sluice bench --sf1 --skip-anchor                  # add scale factor 1\n' +
      '  sluice bench --sf 0.01 --skip-anchor --passes 1 --out /tmp/bench   # a quick run',
  )
  .parse();
const options = command.opts<{ sf: string; sf1?: boolean; engine: EngineName; chunk: number; passes: number; anchorMib: number; skipAnchor?: boolean; data: string; out: string }>();

const out = ensureDir(options.out);
const log = (line: string) => process.stderr.write(`${line}\n`);
const scaleFactors = [...options.sf.split(',').map(Number), ...(options.sf1 ? [1] : [])];
if (scaleFactors.some((sf) => !(sf > 0) || !Number.isFinite(sf))) command.error(`error: --sf takes positive scale factors separated by commas, got "${options.sf}"`, { exitCode: 2 });
if (options.engine !== 'jit' && options.engine !== 'interpreter') command.error(`error: --engine takes jit or interpreter, got "${options.engine}"`, { exitCode: 2 });

if (!options.skipAnchor) {
  log('engines on the anchor program (bench/anchor.js)');
  execFileSync(process.execPath, ['dist/bench/anchor.js', '--mib', String(options.anchorMib), '--out', join(out, 'anchor.json')], { stdio: ['ignore', 'inherit', 'inherit'] });
}

log(`queries at SF ${scaleFactors.join(', ')} on the ${options.engine} engine`);
const queries = await runQueryBench({
  scaleFactors,
  engine: options.engine,
  chunkBytes: options.chunk,
  passes: options.passes,
  dataRoot: options.data,
  queriesDir: 'queries',
  log,
});
writeResults(join(out, 'queries.json'), { date: new Date().toISOString(), node: process.version, engine: options.engine, queries });

log('scaling: Q6 against data size, and against chunk size (one process per run, peak RSS measured)');
const scaling = scalingRuns();
writeResults(join(out, 'scaling.json'), scaling);

log('scale model: per-core rates of Q6 and Q1 (hook, and each ship-all engine) projected to a data-centre cluster');
const model = await modelSection();

writeCharts(queries);
writeFileSync(join(out, 'summary.md'), `${summary(queries, scaling)}${model}`);
const anchorCharted = existsSync(join(out, 'anchor.json'));
log(`wrote ${out}/: queries.json, scaling.json, summary.md, bytes-moved.svg, time-vs-link.svg${anchorCharted ? ', engines.svg (from anchor.json)' : ''}`);

/**
 * modelSection measures the per-core rates of Q6 and Q1 in this run (at the largest scale factor up
 * to 0.1, where csv-parse takes seconds, not minutes) and projects them to DEFAULT_CLUSTER, as
 * `sluice model` does; the result goes into summary.md.
 */
async function modelSection(): Promise<string> {
  const sf = Math.max(...scaleFactors.filter((x) => x <= 0.1), Math.min(...scaleFactors));
  const catalog = directoryCatalog(ensureBenchData(options.data, sf, log));
  const lines = ['## Scale model (modelled from per-core rates measured in this run)', ''];
  for (const query of ['queries/tpch-q6.sql', 'queries/tpch-q1.sql']) {
    const rates = await measureRates({ sql: readFileSync(query, 'utf8'), queryFile: query, catalog, engine: options.engine, chunkBytes: options.chunk, link: {}, onError: 'stop' });
    lines.push(`${query} (SF ${sf}):`, '', '```', ...formatModel(DEFAULT_CLUSTER, rates), '```', '');
  }
  lines.push('Projected with `sluice model`\'s defaults (bench/results/model-*.svg are its charts: `node dist/bench/model.js`).', '');
  return lines.join('\n');
}

interface ScalingRun {
  readonly sf: number;
  readonly chunkBytes: number;
  readonly fileBytes: number;
  readonly wallSeconds: number;
  readonly hookSeconds: number;
  readonly loadSeconds: number;
  readonly maxRssMiB: number;
}

function scalingRuns(): { bySize: ScalingRun[]; byChunk: ScalingRun[] } {
  const child = (sf: number, chunkBytes: number): ScalingRun => {
    const dir = ensureBenchData(options.data, sf, log);
    const text = execFileSync(process.execPath, ['dist/bench/queries/child.js', 'queries/tpch-q6.sql', dir, String(chunkBytes), options.engine], { encoding: 'utf8' });
    return { sf, chunkBytes, ...(JSON.parse(text) as Omit<ScalingRun, 'sf' | 'chunkBytes'>) };
  };
  const bySize = scaleFactors.map((sf) => child(sf, 4096));
  const chunkSf = scaleFactors.includes(0.1) ? 0.1 : scaleFactors[0]!;
  const byChunk = [512, 1024, 4096, 16384, MAX_CHUNK_LIMIT].map((chunk) => child(chunkSf, chunk));
  return { bySize, byChunk };
}

function writeCharts(rows: readonly QueryBenchRow[]): void {
  const top = rows.filter((r) => r.sf === Math.max(...scaleFactors));
  writeFileSync(
    join(out, 'bytes-moved.svg'),
    barChartSvg({
      title: `Bytes on the link per query (wire bytes, both ways, SF ${top[0]?.sf})`,
      unit: 'bytes (log scale)',
      categories: top.map((r) => r.query),
      series: [
        { name: 'pushdown', values: top.map((r) => r.linkWireBytes.pushdown) },
        { name: 'ship-all', values: top.map((r) => r.linkWireBytes.shipAll) },
      ],
      logScale: true,
    }),
  );
  const pick = top.filter((r) => r.query === 'tpch-q1' || r.query === 'tpch-q6');
  writeFileSync(
    join(out, 'time-vs-link.svg'),
    lineChartSvg({
      title: `Modelled end-to-end time against link bandwidth (SF ${top[0]?.sf})`,
      xLabel: 'link bandwidth (Gbit/s)',
      yLabel: 'seconds (log scale)',
      x: [...LINK_GBITS],
      series: pick.flatMap((r) => [
        { name: `${r.query} pushdown`, values: r.endToEnd.map((e) => e.pushdown) },
        { name: `${r.query} ship-all`, values: r.endToEnd.map((e) => e.shipAll) },
      ]),
    }),
  );
  const anchorFile = join(out, 'anchor.json');
  if (existsSync(anchorFile)) {
    const anchor = JSON.parse(readFileSync(anchorFile, 'utf8')) as { results: { name: string; mbPerS: number; mbPerCpuS: number }[] };
    writeFileSync(
      join(out, 'engines.svg'),
      barChartSvg({
        title: 'Anchor program scan rate per engine (MB of CSV per second)',
        unit: 'MB/s (log scale)',
        categories: anchor.results.map((r) => r.name),
        series: [
          { name: 'per wall-clock second', values: anchor.results.map((r) => r.mbPerS) },
          { name: 'per CPU second', values: anchor.results.map((r) => r.mbPerCpuS) },
        ],
        logScale: true,
      }),
    );
  }
}

function summary(rows: readonly QueryBenchRow[], scaling: { bySize: ScalingRun[]; byChunk: ScalingRun[] }): string {
  const mb = (bytes: number) => (bytes / 1e6).toFixed(bytes < 1e5 ? 4 : 1);
  const lines = [
    '# Sluice benchmark summary',
    '',
    `Generated by \`npm run bench -- ${process.argv.slice(2).join(' ')}\` on ${new Date().toISOString()} (${process.version}, engine ${options.engine}, chunks of ${options.chunk} bytes).`,
    'Wall times are medians on a shared 2-core machine: compare ratios within one run.',
    '',
    '## Queries: pushdown against ship-all',
    '',
    '| query | SF | file MB | pushdown wall s | scan MB/s | ship-all MB/s (csv-parse) | link bytes pushdown | link bytes ship-all | saved × | end to end at 1 / 10 / 100 / 400 Gbit/s (pushdown vs ship-all, s) | ship-all wins above |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const e2e = r.endToEnd.map((e) => `${e.pushdown.toFixed(3)} vs ${e.shipAll.toFixed(3)}`).join(' / ');
    lines.push(
      `| ${r.query} | ${r.sf} | ${mb(r.fileBytes)} | ${r.pushdownWallSeconds.toFixed(3)} | ${r.scanMBps.toFixed(1)} | ${r.shipAllMBps.toFixed(1)} | ${r.linkWireBytes.pushdown} | ${r.linkWireBytes.shipAll} | ${(r.linkWireBytes.shipAll / r.linkWireBytes.pushdown).toFixed(0)} | ${e2e} | ${r.crossoverGbit === null ? 'never (≤ 10 Tbit/s)' : `${r.crossoverGbit} Gbit/s`} |`,
    );
  }
  lines.push('', '"ship-all wins above" is the modelled crossover: the link speed from which shipping everything and parsing it on the compute node finishes sooner.', '');
  lines.push('## Scaling (TPC-H Q6, one process per run)', '', '| SF | chunk bytes | file MB | wall s | hook s | verify+load s | scan MB/s | peak RSS MiB |', '|---|---|---|---|---|---|---|---|');
  for (const s of [...scaling.bySize, ...scaling.byChunk]) {
    lines.push(`| ${s.sf} | ${s.chunkBytes} | ${mb(s.fileBytes)} | ${s.wallSeconds.toFixed(3)} | ${s.hookSeconds.toFixed(3)} | ${s.loadSeconds.toFixed(3)} | ${(s.fileBytes / 1e6 / s.wallSeconds).toFixed(1)} | ${s.maxRssMiB.toFixed(0)} |`);
  }
  lines.push('', 'Charts: bytes-moved.svg, time-vs-link.svg, engines.svg. Engine figures on the anchor: anchor.json.', '');
  return lines.join('\n');
}
