// A join's build sides by pushdown: each smaller table's storage node filters it and fills the probe's map, which comes back as the map's own bytes.
import { statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { ARRAY_DENSITY, MAX_ARRAY_ENTRIES, buildMap, type BuildEntries, type BuildMap } from '../codegen/build-map.js';
import { compileQuery, type CompiledQuery } from '../codegen/compile.js';
import { DEFAULT_MAX_BUILD_ROWS, MAX_BUILD_ROWS_LIMIT } from './join-limits.js';
import { UsageError } from '../util/errors.js';
import { FatalCode, buildMapLayout } from '../codegen/layout.js';
import { readAnswer, shiftLines, throwRecordedError, type ScanAnswer } from '../codegen/read-maps.js';
import { Link, type LinkOptions } from '../net/link.js';
import { QueryError } from '../sql/errors.js';
import { buildCountPlan, buildKeyedPlan, duplicateKey } from '../sql/join-build.js';
import type { JoinBuild, Plan } from '../sql/plan.js';
import type { DeviceOptions } from '../storage/device.js';
import { StorageNode } from '../storage/node.js';
import { runPushdown } from '../storage/pushdown.js';
import type { RunStats } from '../storage/run-stats.js';
import type { EngineName } from '../vm/engine.js';
import type { MapContents } from '../storage/wire.js';
import { formatCount } from '../util/count.js';

/** ARRAY_BYTES bounds the array map a build side's node fills (its entries are the value size rounded up to 8 bytes each). */
const ARRAY_BYTES = 64 * 2 ** 20;

/** BuildOptions are what a build side's run needs. */
export interface BuildOptions {
  readonly engine: EngineName;
  readonly chunkBytes: number;
  readonly link: Partial<LinkOptions>;
  readonly devices?: Partial<DeviceOptions>;
  readonly maxBuildRows?: number;
}

/** BuildRun is one build side's pushdown: its map for the probe side and the run's numbers. */
export interface BuildRun {
  readonly table: string;
  readonly map: BuildMap;
  /** The build side's scan (one per node of a cluster holding its table). */
  readonly runs: readonly RunStats[];
}

/**
 * BuildScan runs a build side's program over its table (on its storage node, or on the nodes of a
 * cluster that hold it) and returns what its maps held, one MapContents list per node, and for a node
 * whose rows start past the file's first, how many lines come before them (to place an error).
 */
export type BuildScan = (side: Plan, compiled: CompiledQuery) => Promise<{
  readonly maps: readonly (readonly MapContents[])[];
  readonly stats: readonly RunStats[];
  readonly linesBefore?: (node: number) => Promise<number>;
}>;

/**
 * runBuildSides runs each build side of a join plan on the storage node that holds its table: a
 * program keeps the rows that pass the build side's own filter and fills the probe's map with them,
 * which the compute node checks (one row per key, at most --max-build-rows) and sends on.
 */
export async function runBuildSides(plan: Plan, options: BuildOptions, scan: BuildScan = singleNode(options)): Promise<BuildRun[]> {
  const maxRows = options.maxBuildRows ?? DEFAULT_MAX_BUILD_ROWS;
  if (!Number.isInteger(maxRows) || maxRows < 1 || maxRows > MAX_BUILD_ROWS_LIMIT) {
    throw new UsageError(`--max-build-rows ${maxRows} is out of range: a build map holds 1 to ${formatCount(MAX_BUILD_ROWS_LIMIT)} rows`);
  }
  const runs: BuildRun[] = [];
  for (let index = 0; index < (plan.join?.builds.length ?? 0); index++) runs.push(await runBuildSide(plan, index, maxRows, options.chunkBytes, scan));
  return runs;
}

/**
 * runBuildSide fills, in one scan, an array map indexed by key (returned as a block of values) with the
 * keys below its size, and a hash map of up to --max-build-rows entries with the others.
 */
async function runBuildSide(plan: Plan, index: number, maxRows: number, chunkBytes: number, scan: BuildScan): Promise<BuildRun> {
  const build = plan.join?.builds[index] as JoinBuild;
  const side = buildKeyedPlan(plan, index);
  // The hash map fills (groupsFull) only past --max-build-rows: it also needs no room for more rows than the file can hold.
  const hashEntries = Math.min(maxRows, rowsAtMost(side)) + 1;
  const compiled = compileQuery(side, { maxChunk: chunkBytes, keyedMap: { arrayEntries: arrayEntries(side), hashEntries } });
  const ran = await scan(side, compiled);
  const answers = ran.maps.map((maps) => readAnswer(compiled.layout, reader(maps), false));
  for (let i = 1; i < answers.length && ran.linesBefore !== undefined; i++) {
    const answer = answers[i] as ScanAnswer;
    if (answer.fatal !== undefined || answer.error !== undefined) answers[i] = shiftLines(answer, await ran.linesBefore(i));
  }
  const failed = answers.findIndex((answer) => answer.fatal !== undefined);
  const fatal = answers[failed]?.fatal;
  if (fatal?.code === FatalCode.groupsFull) {
    const counting = buildCountPlan(plan, index);
    const countProgram = compileQuery(counting, { maxChunk: chunkBytes });
    const counted = await scan(counting, countProgram);
    const rows = counted.maps.reduce((sum, maps) => sum + (readAnswer(countProgram.layout, reader(maps)).groups[0]?.aggregates[0]?.count ?? 0n), 0n);
    throw tooManyRows(plan, index, rows, maxRows);
  }
  if (fatal?.code === FatalCode.duplicateKey) {
    const state = (ran.maps[failed]?.find((map) => map.name === 'state')?.entries[0]?.[1]) as Uint8Array;
    throw duplicateKey(plan, index, new DataView(state.buffer, state.byteOffset).getBigInt64(compiled.layout.keyOffset, true));
  }
  for (const answer of answers) throwRecordedError(side, answer, side.table.path, maxRows + 1);
  const map = buildMap(build, index, mergeEntries(plan, index, ran.maps, compiled.layout.valueSize));
  if (map.rows > maxRows) throw tooManyRows(plan, index, BigInt(map.rows), maxRows);
  return { table: side.table.name, map, runs: ran.stats };
}

/**
 * arrayEntries is the size of the array a build side's program fills: a key past ARRAY_DENSITY times
 * the rows its file can hold would make the map sparse, so a hash map anyway; the array is also at
 * most MAX_ARRAY_ENTRIES entries and ARRAY_BYTES.
 */
function arrayEntries(side: Plan): number {
  const stride = (buildMapLayout(side.keyed as JoinBuild).valueSize + 7) & ~7;
  return Math.max(1, Math.min(MAX_ARRAY_ENTRIES, Math.floor(ARRAY_BYTES / stride), rowsAtMost(side) * ARRAY_DENSITY));
}

/** rowsAtMost bounds the rows of a build side's file: each field takes at least a byte, its delimiter or line end. */
function rowsAtMost(side: Plan): number {
  return Math.ceil(fileBytes(side.table.path) / Math.max(1, side.table.columns.length));
}

/**
 * mergeEntries joins what each node's maps held (one node, or the nodes of a cluster holding parts of
 * the table): blocks by position, pairs by concatenation; a key two nodes both hold is a duplicate.
 */
function mergeEntries(plan: Plan, index: number, nodes: readonly (readonly MapContents[])[], size: number): BuildEntries {
  const blocks = nodes.map((maps) => maps.find((map) => map.name === 'build')?.block ?? new Uint8Array(0));
  let block = blocks[0] ?? new Uint8Array(0);
  if (blocks.length > 1) {
    block = new Uint8Array(Math.max(...blocks.map((each) => each.length)));
    for (const each of blocks) {
      for (let at = 0; at < each.length; at += size) {
        if (each[at] === 0) continue;
        if (block[at] !== 0) throw duplicateKey(plan, index, BigInt(at / size));
        block.set(each.subarray(at, at + size), at);
      }
    }
  }
  const entries = nodes.flatMap((maps) => maps.find((map) => map.name === 'build_hash')?.entries ?? []);
  const keys = new Uint8Array(entries.length * 8);
  const values = new Uint8Array(entries.length * size);
  const seen = new Set<bigint>();
  entries.forEach(([key, value], i) => {
    const k = new DataView(key.buffer, key.byteOffset, 8).getBigInt64(0, true);
    if (seen.has(k)) throw duplicateKey(plan, index, k);
    seen.add(k);
    keys.set(key, i * 8);
    values.set(value, i * size);
  });
  return { block, keys, values };
}

/** tooManyRows is the refusal of a build side too large for a map. */
export function tooManyRows(plan: Plan, index: number, rows: bigint, maxRows: number): QueryError {
  const build = plan.join?.builds[index];
  return new QueryError(
    plan.queryFile,
    build?.at ?? { line: 1, column: 1 },
    `table '${build?.table.name}' has ${formatCount(rows)} rows after its filter, more than the ${formatCount(maxRows)} a build map may hold (--max-build-rows); filter it further, or raise the limit (at most ${formatCount(MAX_BUILD_ROWS_LIMIT)})`,
  );
}

/** singleNode runs a build side's program on one storage node holding its whole table. */
function singleNode(options: BuildOptions): BuildScan {
  return async (side, compiled) => {
    const node = new StorageNode({ dataDir: dirname(side.table.path), chunkBytes: options.chunkBytes, engine: options.engine, ...(options.devices ? { devices: options.devices } : {}) });
    const run = await runPushdown({ node, link: new Link(options.link), file: basename(side.table.path), spec: compiled.spec, engine: options.engine, tenant: `build ${side.table.name}` });
    return { maps: [run.maps], stats: [run.stats] };
  };
}

/** fileBytes is a table file's size (0 when it cannot be read: the scan reports why). */
function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function reader(maps: readonly MapContents[]) {
  return (name: string) => {
    const map = maps.find((m) => m.name === name);
    if (map === undefined) throw new RangeError(`the build side's storage node returned no map named '${name}'`);
    return map.entries;
  };
}
