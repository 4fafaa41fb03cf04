// Runs a SQL query on a cluster of storage nodes: each node scans the rows that start in its byte range, the compute node merges their answers.
import { basename, dirname } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { LinkOptions } from '../net/link.js';
import { buildClusterReport, type ClusterReport, type ComputeTimeline } from '../report/cluster.js';
import { planQuery } from '../sql/bind.js';
import type { DeviceOptions } from '../storage/device.js';
import { StorageNode } from '../storage/node.js';
import { ProgramStore, type StorePlace } from '../storage/program-store.js';
import type { RunStats } from '../storage/run-stats.js';
import { HttpNode } from '../storage/http-node.js';
import { startWorkerNodes, workerNodeConfig } from '../storage/worker-node.js';
import type { EngineName } from '../vm/engine.js';
import type { CompiledQuery } from '../codegen/compile.js';
import { readAnswer, shiftLines, throwRecordedError, type ScanAnswer } from '../codegen/read-maps.js';
import { clusterBuildScan } from './cluster-build.js';
import { linesBefore, runOnRanges } from './node-ranges.js';
import { mergeAnswers } from '../codegen/merge.js';
import { mergeRows } from '../codegen/merge-rows.js';
import { readRows } from '../codegen/read-rows.js';
import { finalizeRows } from '../sql/row-result.js';
import type { ComputeEngine } from './compute-engines.js';
import { joinReport, mapReader, mismatch, prepareQuery, shipAllBaseline } from './execute.js';
import type { JoinReport } from '../report/join.js';
import type { BuildRun } from './join-build-run.js';
import { shipAllJoin } from './join-shipall.js';
import type { Plan } from '../sql/plan.js';
import { finalizeResult, type ResultTable } from '../sql/result.js';
import type { ClusterNode, RangeReply } from '../storage/cluster-node.js';
import { decodeResult } from '../storage/wire.js';
import type { Catalog, ErrorPolicy } from '../sql/plan.js';


/** ClusterQueryOptions configure one query over a cluster. */
export interface ClusterQueryOptions {
  readonly sql: string;
  readonly queryFile: string;
  readonly catalog: Catalog;
  readonly chunkBytes: number;
  readonly onError: ErrorPolicy;
  /** Capacity of the GROUP BY map on each node, and the limit on the merged groups (default DEFAULT_MAX_GROUPS). */
  readonly maxGroups?: number;
  /** The storage nodes, in file order: node i owns the rows that start in the i-th of N equal byte ranges. */
  readonly nodes: readonly ClusterNode[];
  /** The nodes' engine, link and devices, which runCluster gives its worker nodes and ship-all's node (default jit, the default link); a join's build sides run on `nodes` too. */
  readonly engine?: EngineName;
  readonly link?: Partial<LinkOptions>;
  readonly devices?: Partial<DeviceOptions>;
  /** Rows a join's build side may have after its filter (default DEFAULT_MAX_BUILD_ROWS). */
  readonly maxBuildRows?: number;
  /** Where the compute node keeps emitted programs across processes (see prepareQuery); default none. */
  readonly store?: ProgramStore;
}

/** NodeShare is what one node did for the query. */
export interface NodeShare {
  readonly name: string;
  readonly reply: RangeReply;
  /** Times the compute node asked this node again from a corrected first row. */
  readonly restarts: number;
}

/** ClusterRun is everything a cluster query produced. */
export interface ClusterRun {
  readonly plan: Plan;
  readonly compiled: CompiledQuery;
  readonly result: ResultTable;
  /** Well-formed data rows scanned, over all nodes. */
  readonly rows: number;
  readonly nodes: readonly NodeShare[];
  /** Measured compute-node time to decode and merge the nodes' answers. */
  readonly mergeSeconds: number;
  /** A join's build sides; their maps went to every node with the probe program. */
  readonly builds: readonly BuildRun[];
  /** When the program was sent to the nodes and the answers were merged (ms since the epoch). */
  readonly timeline: ComputeTimeline;
}

/**
 * executeClusterQuery plans and compiles the query once, sends the program with each node's byte
 * range to every node at once (each verifies, attaches and scans by itself, in parallel), checks
 * that the nodes' row ranges tile the file (asking a node again from the previous node's end when a
 * quoted line break hid its first row), and merges the answers. A node that fails fails the query
 * with NodeFailed naming it; the caller closes the nodes (see withNodes).
 */
export async function executeClusterQuery(options: ClusterQueryOptions): Promise<ClusterRun> {
  // A join's build sides run on the nodes too, each over its share of its table; their maps go to every node with the probe program.
  const { plan, compiled, builds } = await prepareQuery({ engine: 'jit', link: {}, ...options, buildScan: clusterBuildScan(options.nodes) });
  const file = basename(plan.table.path);
  const sentAt = performance.timeOrigin + performance.now();
  const { replies, restarts } = await runOnRanges(options.nodes, plan.table, compiled.spec);

  const started = performance.now();
  const { record } = compiled;
  const rowParts = record && replies.map((reply) => readRows(compiled.layout, record, mapReader(decodeResult(reply.result)), compiled.top));
  const answers = rowParts?.map((part) => part.answer) ?? replies.map((reply) => readAnswer(compiled.layout, mapReader(decodeResult(reply.result))));
  const failing = answers.findIndex((answer) => answer.fatal !== undefined || (answer.error !== undefined && plan.onError === 'stop'));
  const firstError = answers.findIndex((answer) => answer.error !== undefined);
  for (const index of new Set([failing, firstError])) {
    if (index > 0) answers[index] = await inFileLines(answers[index] as ScanAnswer, options.nodes[index] as ClusterNode, replies[index] as RangeReply, file);
  }
  const maxGroups = compiled.spec.maps[1]?.maxEntries ?? 1;
  const rowsMerged = rowParts && mergeRows(plan, rowParts.map((part, i) => ({ answer: answers[i] as ScanAnswer, rows: part.rows })));
  const merged = rowsMerged?.answer ?? mergeAnswers(plan, answers, maxGroups, plan.table.path);
  throwRecordedError(plan, merged, plan.table.path, maxGroups);
  const result = rowsMerged ? finalizeRows(plan, rowsMerged.rows, Number(merged.skipped)) : finalizeResult(plan, merged.groups, Number(merged.skipped));
  const mergeSeconds = (performance.now() - started) / 1000;
  const nodes = options.nodes.map((node, i) => ({ name: node.name, reply: replies[i] as RangeReply, restarts: restarts[i] as number }));
  const timeline = { sentAt, mergedAt: performance.timeOrigin + performance.now() };
  return { plan, compiled, result, rows: Number(merged.rows), nodes, mergeSeconds, timeline, builds };
}

/**
 * inFileLines turns the line numbers a node's program counted (in the header row followed by the
 * node's rows) into the file's: add the line breaks before the node's first row, less the header's.
 */
async function inFileLines(answer: ScanAnswer, node: ClusterNode, reply: RangeReply, file: string): Promise<ScanAnswer> {
  return shiftLines(answer, await linesBefore(node, reply, file));
}

/** ClusterCliOptions are what `sluice query --nodes` needs beyond the query: how to make the nodes, and ship-all to compare. */
export interface ClusterCliOptions extends Omit<ClusterQueryOptions, 'nodes' | 'store'> {
  /** How many worker-thread nodes to start, the addresses of `sluice serve` nodes, or nodes already started (startWorkerNodes); runCluster closes them. */
  readonly nodes: number | readonly string[] | readonly ClusterNode[];
  readonly engine: EngineName;
  readonly link: Partial<LinkOptions>;
  readonly devices?: Partial<DeviceOptions>;
  /** Also ship the whole table to the compute node (one node's read path) and check the answers agree. */
  readonly compare: boolean;
  /** How the compute node answers in ship-all (default csv-parse). */
  readonly compute?: ComputeEngine;
  /** This user's program store: the compute node keeps emitted programs there, worker nodes verdicts and JIT code (see NodeConfig.store). */
  readonly store?: StorePlace;
}

/** ReportedClusterRun is a cluster run with its report (and the ship-all answer with `compare`). */
export interface ReportedClusterRun extends ClusterRun {
  readonly report: ClusterReport;
  readonly shipAll?: RunStats;
  /** A join's data movement: its build sides, and every node's and table's bytes. */
  readonly join?: JoinReport;
}

/**
 * runCluster answers a query on worker-thread storage nodes (each with the given engine, devices
 * and its own link to the switch; the compute node's NIC has the same speed) or on `sluice serve`
 * nodes, and stops every worker afterwards, also when a node fails.
 */
export async function runCluster(options: ClusterCliOptions): Promise<ReportedClusterRun> {
  const run = await withNodes(
    () => {
      const { nodes } = options;
      if (typeof nodes === 'number') return startWorkerNodes(nodes, workerNodeConfig(dirname(options.catalog.table(tableNameOf(options))?.path ?? '.'), options));
      return nodes.map((node, i) => (typeof node === 'string' ? new HttpNode(i, node) : node));
    },
    (nodes) => executeClusterQuery({ ...options, store: options.store && ProgramStore.open(options.store.dir, options.store.build), nodes }),
  );
  const report = buildClusterReport(
    run.nodes.map((node) => ({
      name: node.name,
      start: node.reply.start,
      end: node.reply.end,
      stats: node.reply.stats,
      ...(node.reply.peakHeapBytes === undefined ? {} : { peakHeapBytes: node.reply.peakHeapBytes }),
      restarts: node.restarts,
      rescans: node.reply.rescans,
      ...(node.reply.timeline ? { timeline: node.reply.timeline } : {}),
    })),
    options.link,
    run.mergeSeconds,
    run.timeline,
  );
  const probes = run.nodes.map((node) => node.reply.stats);
  if (!options.compare) return { ...run, report, ...(run.plan.join && { join: joinReport(probes, run.builds) }) };
  if (run.plan.join !== undefined) {
    const shipped = await shipAllJoin(run.plan, options, run.rows);
    if (!isDeepStrictEqual(shipped.result, run.result)) throw mismatch(options.queryFile, run.plan);
    return { ...run, report, shipAll: shipped.stats, join: joinReport(probes, run.builds, shipped) };
  }
  const node = new StorageNode({ dataDir: dirname(run.plan.table.path), chunkBytes: options.chunkBytes, engine: options.engine, ...(options.devices ? { devices: options.devices } : {}) });
  const shipped = await shipAllBaseline(run.plan, run.compiled, node, options, run.rows);
  if (!isDeepStrictEqual(shipped.result, run.result)) throw mismatch(options.queryFile, run.plan);
  return { ...run, report, shipAll: shipped.stats };
}

/** tableNameOf plans the query far enough to name its (probe) table (planning is cheap; compile happens once, in executeClusterQuery). */
function tableNameOf(options: Pick<ClusterQueryOptions, 'sql' | 'queryFile' | 'catalog' | 'onError'>): string {
  return planQuery(options.sql, options.catalog, { file: options.queryFile, onError: options.onError }).table.name;
}

/**
 * withNodes runs `work` with the nodes `create` makes and closes every node afterwards, whether
 * `work` succeeded or not, so no worker is left running.
 */
export async function withNodes<T>(create: () => ClusterNode[], work: (nodes: readonly ClusterNode[]) => Promise<T>): Promise<T> {
  const nodes = create();
  try {
    return await work(nodes);
  } finally {
    await Promise.allSettled(nodes.map((node) => node.close()));
  }
}

