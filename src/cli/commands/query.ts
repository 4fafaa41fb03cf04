// `sluice query`: answer SQL by pushing an eBPF program to the storage node, optionally comparing with ship-all.
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { parseDuration, parseRate, parseSize } from '../../net/units.js';
import { DEFAULT_MAX_GROUPS, MAX_CHUNK_LIMIT, MAX_GROUPS_LIMIT } from '../../codegen/compile.js';
import { COMPUTE_ENGINES, type ComputeEngine } from '../../engine/compute-engine-names.js';
import { DEFAULT_MAX_BUILD_ROWS, MAX_BUILD_ROWS_LIMIT } from '../../engine/join-limits.js';
import type { Catalog } from '../../sql/plan.js';
import { PIPE_FORMATS, type PipeFormat } from '../../sql/result-formats.js';
import type { ResultTable } from '../../sql/result.js';
import type { ClusterNode } from '../../storage/cluster-node.js';
import type { EngineName } from '../../vm/engine.js';
import { CACHE_HELP, oneOf, positiveInteger, unitsOption, DEFAULT_CHUNK } from '../options.js';
import { formatCount } from '../../util/count.js';

/** QueryCliOptions are the parsed options of `query`. */
export interface QueryCliOptions {
  data?: string;
  engine: EngineName;
  chunk: number;
  link: number;
  latency: number;
  mtu: number;
  devices: number;
  compare?: boolean;
  json?: boolean;
  format: 'table' | PipeFormat;
  nodes?: number | string[];
  compute: ComputeEngine;
  onError: 'stop' | 'skip';
  maxGroups: number;
  maxBuildRows: number;
  cache: boolean;
}

/** registerQuery adds `sluice query`. */
export function registerQuery(program: Command): void {
  program
    .command('query')
    .description('answer a SQL query in the storage node and report the data movement it saved')
    .argument('<sql>', 'SQL text, or the path of a .sql file')
    .option('--data <dir>', 'directory of tables (NAME.csv or NAME.tbl); default: datasets/ and a TPC-H SF 0.01 set made on first use')
    .option('--engine <name>', 'eBPF engine: jit, interpreter, or kernel (Linux itself through bpf(), as root; chunks of at most 3520 bytes)', oneOf<EngineName>('jit', 'interpreter', 'kernel'), 'jit')
    .addOption(unitsOption('--chunk <bytes>', `bytes per copy_out call at the hook, e.g. 4096, 16KiB (1 to ${MAX_CHUNK_LIMIT}; default 3520 on the kernel engine)`, parseSize, DEFAULT_CHUNK))
    .addOption(unitsOption('--link <rate>', 'link bandwidth, e.g. 1gbit, 10gbit, 400gbit', parseRate, '10gbit'))
    .addOption(unitsOption('--latency <time>', 'one-way link latency, e.g. 50us, 1ms', parseDuration, '50us'))
    .option('--mtu <bytes>', 'link MTU in bytes', positiveInteger, 1500)
    .option('--devices <n>', 'SSDs in the storage node (3.5 GB/s, 80 µs each)', positiveInteger, 1)
    .option('--on-error <policy>', 'malformed rows: stop (report file:line:col) or skip (and count)', oneOf('stop', 'skip'), 'stop')
    .option('--nodes <n|urls>', 'split the table over N storage nodes (worker threads scanning their byte ranges in parallel), or over `sluice serve` nodes: http://host:port,...', nodesOption)
    .option('--max-groups <n>', `groups the GROUP BY map holds (1 to ${MAX_GROUPS_LIMIT}); more is an error`, positiveInteger, DEFAULT_MAX_GROUPS)
    .option('--max-build-rows <n>', `rows a joined smaller table may have after its filter (1 to ${formatCount(MAX_BUILD_ROWS_LIMIT)}); more is an error naming the table`, positiveInteger, DEFAULT_MAX_BUILD_ROWS)
    .option('--compare', 'also ship the whole file and compute on the compute node, and show both side by side')
    .option('--compute <engine>', 'how the compute node answers in ship-all: csv-parse (independent baseline), program (the same eBPF program, run on the compute node) or duckdb (DuckDB on one thread over the shipped CSV; needs the optional dependency @duckdb/node-api)', oneOf<ComputeEngine>(...COMPUTE_ENGINES), 'csv-parse')
    .option('--json', 'print the result and the report as JSON')
    .option('--format <format>', 'table (the result and the report), or csv / jsonl: only the rows, for piping (CSV strings are their exact bytes)', oneOf<'table' | PipeFormat>('table', ...PIPE_FORMATS), 'table')
    .option('--no-cache', CACHE_HELP)
    .addHelpText(
      'after',
      `
Examples:
  sluice query queries/tpch-q6.sql --compare
  sluice query "select count(*) from lineitem where l_quantity < 10" --data datasets/generated/tpch-sf0.1
  sluice query queries/tpch-q1.sql --engine interpreter --chunk 16KiB --link 100gbit --json
  sluice query queries/tpch-q6.sql --nodes 2 --data /tmp/sf1
  sluice query "select l_orderkey, l_comment from lineitem where l_quantity < 2" --format csv > extract.csv`,
    )
    .action(async (sql: string, options: QueryCliOptions, command: Command) => {
      if (options.engine === 'kernel' && command.getOptionValueSource('chunk') === 'default') {
        options.chunk = (await import('../../storage/kernel-engine.js')).KERNEL_MAX_CHUNK;
      }
      if (options.nodes !== undefined) {
        await queryCluster(sql, options, options.nodes);
        return;
      }
      // Loaded here, not at the top, so that other commands and --help do not pay for the query engine.
      const [{ executeQuery }, { formatResultJson, formatResultText }, { reportJson }, { formatRunSummary }, { formatReport }, { Progress }, { boldFirstLine }, { catalogFor, readQuery }, { openStore }, { formatJoinReport }] =
        await Promise.all([
          import('../../engine/execute.js'),
          import('../../sql/result.js'),
          import('../../report/json.js'),
          import('../../report/run-summary.js'),
          import('../../report/table.js'),
          import('../progress.js'),
          import('../style.js'),
          import('../query-input.js'),
          import('../store.js'),
          import('../../report/join.js'),
        ]);
      const query = readQuery(sql);
      const bars = { pushdown: new Progress('pushdown: the storage node scans'), 'ship-all': new Progress('ship-all: the compute node parses') };
      const store = openStore(options.cache);
      const run = await executeQuery({
        ...runOptions(query, options, catalogFor(options.data)),
        ...(store && { store }),
        onProgress: (run, done, total) => bars[run].update(done, total),
      }).finally(() => bars['ship-all'].done());
      if (await writePiped(run.result, options)) return;
      if (options.json) {
        const report = { ...(run.report ? reportJson(run.report) : { pushdown: run.pushdown }), ...(run.join ? { join: run.join } : {}) };
        process.stdout.write(`{"result":${formatResultJson(run.result).trimEnd()},"report":${JSON.stringify(report)}}\n`);
        return;
      }
      process.stdout.write(boldFirstLine(formatResultText(run.result)));
      process.stdout.write('\n');
      process.stdout.write(run.report ? formatReport(run.report) : formatRunSummary(run.pushdown));
      if (run.join) process.stdout.write(formatJoinReport(run.join));
      if (run.shipAll) process.stdout.write(`ship-all (${options.compute} on the compute node) gave the same answer.\n`);
    });
}

/**
 * queryCluster answers the query on a cluster of worker-thread storage nodes and prints the per-node
 * report. With --data, the worker threads start first, so that they load while this thread loads the
 * query engine, plans and compiles.
 */
async function queryCluster(sql: string, options: QueryCliOptions, nodes: number | string[]): Promise<void> {
  const early = typeof nodes === 'number' && options.data !== undefined ? await startEarly(nodes, options, options.data) : undefined;
  try {
    await runAndPrint(sql, options, early ?? nodes);
  } finally {
    await Promise.allSettled((early ?? []).map((node) => node.close()));
  }
}

/** startEarly starts `count` worker nodes serving the --data directory, loading only the worker's own module here. */
async function startEarly(count: number, options: QueryCliOptions, data: string) {
  const [{ startWorkerNodes, workerNodeConfig }, { storePlace }] = await Promise.all([import('../../storage/worker-node.js'), import('../store.js')]);
  const store = storePlace(options.cache);
  return startWorkerNodes(count, workerNodeConfig(resolve(data), { ...nodeOptions(options), ...(store && { store }) }));
}

/** runAndPrint runs the cluster query on `nodes` and prints its answer and report. */
async function runAndPrint(sql: string, options: QueryCliOptions, nodes: number | string[] | ClusterNode[]): Promise<void> {
  const [{ runCluster }, { clusterReportJson, formatClusterReport }, { formatResultJson, formatResultText }, { boldFirstLine }, { catalogFor, readQuery }, { storePlace }, { formatJoinReport }] = await Promise.all([
    import('../../engine/cluster.js'),
    import('../../report/cluster.js'),
    import('../../sql/result.js'),
    import('../style.js'),
    import('../query-input.js'),
    import('../store.js'),
    import('../../report/join.js'),
  ]);
  const nodeCount = typeof nodes === 'number' ? nodes : nodes.length;
  const store = storePlace(options.cache);
  const run = await runCluster({ ...runOptions(readQuery(sql), options, catalogFor(options.data)), nodes, ...(store && { store }) });
  if (await writePiped(run.result, options)) return;
  if (options.json) {
    const report = { ...clusterReportJson(run.report), ...(run.shipAll ? { shipAll: run.shipAll } : {}), ...(run.join ? { join: run.join } : {}) };
    process.stdout.write(`{"result":${formatResultJson(run.result).trimEnd()},"report":${JSON.stringify(report)}}\n`);
    return;
  }
  process.stdout.write(boldFirstLine(formatResultText(run.result)));
  process.stdout.write('\n');
  process.stdout.write(`${run.plan.table.path}: ${nodeCount} storage node${nodeCount === 1 ? '' : 's'}, ${run.rows} rows\n`);
  process.stdout.write(formatClusterReport(run.report));
  if (run.join) process.stdout.write(formatJoinReport(run.join));
  if (run.shipAll) process.stdout.write(`ship-all (${options.compute} on the compute node) gave the same answer.\n`);
}

/** writePiped prints only the rows for --format csv|jsonl (and says so by returning true). */
async function writePiped(result: ResultTable, options: QueryCliOptions): Promise<boolean> {
  if (options.format === 'table') return false;
  if (options.json) throw new InvalidArgumentError('--json and --format csv|jsonl both choose the output; give one of them');
  const { formatResultCsv, formatResultJsonl } = await import('../../sql/result-formats.js');
  process.stdout.write(options.format === 'csv' ? formatResultCsv(result) : formatResultJsonl(result));
  return true;
}

/** nodeOptions are what every storage node takes from the parsed options: engine, chunk size, link and devices. */
function nodeOptions(options: QueryCliOptions) {
  return {
    engine: options.engine,
    chunkBytes: options.chunk,
    link: { bandwidth: options.link, latency: options.latency, mtu: options.mtu },
    devices: { count: options.devices },
  };
}

/** runOptions turns the parsed options into what one node and a cluster of nodes both take. */
function runOptions(query: { sql: string; file: string }, options: QueryCliOptions, catalog: Catalog) {
  return {
    sql: query.sql,
    queryFile: query.file,
    catalog,
    ...nodeOptions(options),
    compare: Boolean(options.compare),
    compute: options.compute,
    onError: options.onError,
    maxGroups: options.maxGroups,
    maxBuildRows: options.maxBuildRows,
  };
}

/** nodesOption reads --nodes: a node count, or a comma-separated list of http:// node addresses. */
function nodesOption(text: string): number | string[] {
  if (/^\d+$/.test(text)) return positiveInteger(text);
  const urls = text.split(',').map((part) => part.trim());
  for (const url of urls) {
    if (!/^http:\/\/[^/\s]+\/?$/.test(url)) throw new InvalidArgumentError(`'${url}' is not a node count or an http://host:port address`);
  }
  return urls;
}
