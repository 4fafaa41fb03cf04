// compileQuery: a typed plan becomes one XDP-shaped eBPF program (entry + bpf_loop callback), its maps, and a decoder.
import { R0, R1, R2, R3, R4, R10 } from '../asm/builder.js';
import { HelperId } from '../asm/helpers.js';
import { LDDW, PseudoSrc, XdpAction } from '../asm/opcodes.js';
import { width } from '../asm/instruction.js';
import type { MapSpec, ProgramSpec } from '../asm/program.js';
import type { Plan } from '../sql/plan.js';
import type { ResultTable } from '../sql/result.js';
import { CTX, REG, type Gen, type ProbeMap } from './context.js';
import type { BuildMap } from './build-map.js';
import { decodeMaps, type MapReader } from './read-maps.js';
import { BranchTooFar, Emitter } from './emitter.js';
import { QueryError } from '../sql/errors.js';
import { planLayout, S, type Layout } from './layout.js';
import { emitOutputHeader, outputMapSpec, planRecord, type RowRecord } from './output-rows.js';
import { decodeRows } from './read-rows.js';
import { emitTopCallbacks, planTopHeap, topMapSpec, type TopHeap } from './top-rows.js';
import { memoized, type ProgramMemo } from './program-memo.js';
import { SKIP_BATCH, emitScanCallback, emitStep } from './scanner.js';
import { emitFirstField } from './fields.js';
import { HookContextOffset } from '../storage/hook-context.js';
import type { KeyedMap } from './keyed-row.js';
import { UsageError } from '../util/errors.js';
import { formatCount } from '../util/count.js';
import { XDP_TEST_RUN_MAX_LINEAR } from '../asm/limits.js';

/** DEFAULT_MAX_CHUNK is the largest chunk the program scans by default (the kernel's XDP test-run limit). */
export const DEFAULT_MAX_CHUNK = XDP_TEST_RUN_MAX_LINEAR;
/** MAX_CHUNK_LIMIT keeps `position + SKIP_BATCH + 1` within the Linux verifier's 16-bit packet offset range. */
export const MAX_CHUNK_LIMIT = 0xfffe - SKIP_BATCH;
/** DEFAULT_MAX_GROUPS is the capacity of the group hash map (`--max-groups`). */
export const DEFAULT_MAX_GROUPS = 4096;
/** MAX_GROUPS_LIMIT bounds `--max-groups`: the storage node preallocates every entry of the map. */
export const MAX_GROUPS_LIMIT = 1 << 20;

/** CompileOptions tune the generated program. */
export interface CompileOptions {
  /** Largest chunk (bytes) one run may receive; a larger one stops the scan with an error. */
  readonly maxChunk?: number;
  /** Capacity of the GROUP BY hash map. */
  readonly maxGroups?: number;
  /** File name used in malformed-row errors (default plan.table.path). */
  readonly file?: string;
  /** A join's build maps, one per plan.join.builds entry, with their contents (see build-map.ts). */
  readonly buildMaps?: readonly BuildMap[];
  /** For a join's build side (Plan.keyed): the maps its rows fill (default maxGroups entries each). */
  readonly keyedMap?: KeyedMap;
  /** Where programs emitted before may be found and new ones kept (see program-memo.ts); default: emit every time. */
  readonly programs?: ProgramMemo;
}

/** MapRole says what one map of a compiled query holds, for explain and `compile --json`. */
export interface MapRole {
  readonly index: number;
  readonly name: string;
  readonly holds: string;
}

/** CompiledQuery is a verified-shape program plus what a caller needs to run it and read its answer. */
export interface CompiledQuery {
  readonly spec: ProgramSpec;
  readonly layout: Layout;
  readonly maps: readonly MapRole[];
  /** Slot of every lddw that references a map, with the map's index. */
  readonly mapRefs: readonly { readonly slot: number; readonly map: number }[];
  /** The context the entry function expects. */
  readonly context: string;
  readonly maxChunk: number;
  /** A row selection's record layout (the output buffer's records). */
  readonly record?: RowRecord;
  /** A row selection cut to its best n rows in storage: the heap map's layout (its records' values are `record`'s). */
  readonly top?: TopHeap;
  /** decode turns the maps' contents after the end-of-file run into the result (or throws the row error). */
  decode(read: MapReader): ResultTable;
}

const STATE_MAP = 0;
const AGG_MAP = 1;
/** A join's build maps follow the state and aggregate maps. */
const FIRST_BUILD_MAP = 2;
/** A build side's own program (which has no build maps) keeps the keys its array does not hold in a hash map there. */
const KEYED_HASH_MAP = 2;

/** compileQuery emits the scan program for `plan`. Throws QueryError for constructs it cannot compile. */
export function compileQuery(plan: Plan, options: CompileOptions = {}): CompiledQuery {
  const maxChunk = options.maxChunk ?? DEFAULT_MAX_CHUNK;
  if (!Number.isInteger(maxChunk) || maxChunk < 1 || maxChunk > MAX_CHUNK_LIMIT) {
    throw new UsageError(
      `chunk size ${maxChunk} is out of range: query programs scan 1 to ${MAX_CHUNK_LIMIT} bytes per chunk (Linux's packet offsets are 16-bit)`,
    );
  }
  const maxGroups = options.maxGroups ?? DEFAULT_MAX_GROUPS;
  if (!Number.isInteger(maxGroups) || maxGroups < 1 || maxGroups > MAX_GROUPS_LIMIT) {
    throw new UsageError(`--max-groups ${maxGroups} is out of range: the group map holds 1 to ${formatCount(MAX_GROUPS_LIMIT)} groups`);
  }
  const layout = planLayout(plan);
  const record = plan.rows === undefined ? undefined : planRecord(plan, layout);
  const heap = record === undefined ? undefined : planTopHeap(plan, layout);
  const buildMaps = options.buildMaps ?? [];
  if (buildMaps.length !== (plan.join?.builds.length ?? 0)) throw new RangeError('codegen: a join plan needs one build map per build side');
  const keyedMap = plan.keyed === undefined ? undefined : (options.keyedMap ?? { arrayEntries: maxGroups, hashEntries: maxGroups });
  const rowsMap = record && (heap === undefined ? outputMapSpec(record, maxChunk) : topMapSpec(heap));
  const ownMaps = rowsMap === undefined ? mapSpecs(plan, layout, maxGroups, keyedMap) : [stateMapSpec(layout), rowsMap];
  const maps = [...ownMaps, ...buildMaps.map((map) => map.spec)];
  const probeMaps = buildMaps.map((map, i) => ({ index: FIRST_BUILD_MAP + i, type: map.spec.type as 'array' | 'hash', maxEntries: map.spec.maxEntries, layout: map.layout }));
  const emitted = () => emitNamingLimits(plan, layout, maps, maxChunk, probeMaps, heap, keyedMap);
  // The layout and the heap are planLayout(plan) and planTopHeap(plan, layout): the plan stands for them in the key
  // (the layout holds a Map, which emitKey cannot write, so keying it made every program unkeyable).
  const spec = options.programs ? memoized(options.programs, [plan, maps, maxChunk, probeMaps, keyedMap], emitted) : emitted();
  const mapRefs: { slot: number; map: number }[] = [];
  let slot = 0;
  for (const insn of spec.insns) {
    if (insn.opcode === LDDW && insn.src === PseudoSrc.MAP_FD) mapRefs.push({ slot, map: insn.imm });
    slot += width(insn);
  }
  const file = options.file ?? plan.table.path;
  return {
    spec,
    layout,
    maps: [
      { index: STATE_MAP, name: 'state', holds: `parser state carried across chunks, first malformed row, counters (${layout.stateSize} bytes)` },
      {
        index: AGG_MAP,
        name: maps[AGG_MAP]?.name ?? 'aggs',
        holds: plan.keyed !== undefined
          ? `the build side's rows by ${plan.keyed.key.name} below ${keyedMap?.arrayEntries}, one ${layout.valueSize}-byte value each (the probe's map value), returned as one block of values`
          : heap !== undefined
          ? `a heap of the best ${heap.n} rows (worst at the root; ${heap.record.size} bytes each: the values, then the row's position in the scan), a header and a candidate slot, returned after the scan`
          : record !== undefined
          ? `the output buffer: a header, then the records of the rows one call keeps (${record.size} bytes each), copied out by the node after every call`
          : plan.groupBy.length === 0
            ? `the single group's count and aggregates (${layout.valueSize} bytes)`
            : `groups keyed by ${plan.groupBy.map((c) => c.name).join(', ')} (${layout.keySize}-byte key, ${layout.valueSize}-byte value)`,
      },
      ...(keyedMap === undefined ? [] : [{ index: KEYED_HASH_MAP, name: 'build_hash', holds: `the build side's other rows (keys negative or from ${keyedMap.arrayEntries} on), at most ${keyedMap.hashEntries}` }]),
      ...buildMaps.map((map, i) => ({
        index: FIRST_BUILD_MAP + i,
        name: map.spec.name,
        holds: `build side ${plan.join?.builds[i]?.table.name}: ${formatCount(map.rows)} rows by ${plan.join?.builds[i]?.key.name}, loaded before the scan, read-only; ${map.reason}`,
      })),
    ],
    mapRefs,
    context: 'struct xdp_md: u32 data at +0, u32 data_end at +4 (nothing else is read); an empty chunk flushes the last row',
    maxChunk,
    ...(record && { record }),
    ...(heap && { top: heap }),
    decode: (read) => {
      if (plan.keyed !== undefined) throw new RangeError('a build side\'s answer is its map (see engine/join-build-run.ts), not a result table');
      return record === undefined ? decodeMaps(plan, layout, read, file, maxGroups) : decodeRows(plan, layout, record, read, file, heap);
    },
  };
}

/** emitNamingLimits is `emit`, with a branch too far for eBPF reported at the SQL construct that caused it. */
function emitNamingLimits(plan: Plan, layout: Layout, maps: readonly MapSpec[], maxChunk: number, buildMaps: readonly ProbeMap[], heap?: TopHeap, keyedMap?: KeyedMap): ProgramSpec {
  try {
    return emit(plan, layout, maps, maxChunk, buildMaps, heap, keyedMap);
  } catch (error) {
    if (!(error instanceof BranchTooFar)) throw error;
    const what = error.construct?.what ?? 'this query';
    throw new QueryError(
      plan.queryFile,
      error.construct?.at ?? { line: 1, column: 1 },
      `${what} compiles to more code than an eBPF branch can jump across (conditional jumps reach 32,767 instructions); split it into shorter conditions or use IN (...) for a list of constants`,
      { cause: error },
    );
  }
}

/** emit generates the whole program: the entry, the scan callback and the scan step. */
function emit(plan: Plan, layout: Layout, maps: readonly MapSpec[], maxChunk: number, buildMaps: readonly ProbeMap[], heap?: TopHeap, keyedMap?: KeyedMap): ProgramSpec {
  const e = new Emitter('sluice_scan', maps);
  const top = heap && { heap, siftUp: e.label('sift_up'), siftDown: e.label('sift_down') };
  const g: Gen = {
    e,
    plan,
    queryFile: plan.queryFile,
    layout,
    stateMap: STATE_MAP,
    aggMap: AGG_MAP,
    buildMaps,
    ...(keyedMap && { keyedMap, keyedHashMap: KEYED_HASH_MAP }),
    next: e.label('next_byte'),
    stop: e.label('stop'),
    eventDone: e.label('event_done'),
    ...(top && { top }),
  };
  const scan = e.label('scan');
  const step = e.label('scan_step');
  emitEntry(g, scan, maxChunk);
  e.func(scan);
  emitScanCallback(g, step, maxChunk);
  e.func(step);
  emitStep(g, maxChunk);
  if (top !== undefined) emitTopCallbacks(g, top);
  return e.build();
}

function stateMapSpec(layout: Layout): MapSpec {
  return { name: 'state', type: 'array', keySize: 4, valueSize: layout.stateSize, maxEntries: 1, flags: 0 };
}

function mapSpecs(plan: Plan, layout: Layout, maxGroups: number, keyed?: KeyedMap): MapSpec[] {
  const state = stateMapSpec(layout);
  if (keyed !== undefined) {
    return [
      state,
      { name: 'build', type: 'array', keySize: 4, valueSize: layout.valueSize, maxEntries: keyed.arrayEntries, flags: 0, returnsBlock: true },
      { name: 'build_hash', type: 'hash', keySize: 8, valueSize: layout.valueSize, maxEntries: keyed.hashEntries, flags: 0 },
    ];
  }
  const aggs: MapSpec =
    plan.groupBy.length === 0
      ? { name: 'aggs', type: 'array', keySize: 4, valueSize: layout.valueSize, maxEntries: 1, flags: 0 }
      : { name: 'aggs', type: 'hash', keySize: layout.keySize, valueSize: layout.valueSize, maxEntries: maxGroups, flags: 0 };
  return [state, aggs];
}

/** Stack layout of the entry function: the callback context, then the u32 key 0 for array lookups. */
const CTX_AT = -CTX.size;
const KEY_AT = CTX_AT - 8;

/**
 * emitEntry emits the XDP entry function: spill data/data_end and the map value pointers into
 * the callback context, initialise the state on the first chunk, and run the callback once per
 * byte with bpf_loop. Always returns XDP_DROP: the chunk is consumed on the storage node.
 */
function emitEntry(g: Gen, callback: ReturnType<Emitter['label']>, maxChunk: number): void {
  const { e, plan } = g;
  const abort = e.label('abort');
  const done = e.label('done');
  const ready = e.label('ready');
  e.comment(`entry: ${plan.sql.replace(/--[^\n]*/g, '').trim().replace(/\s+/g, ' ')}`);
  e.movReg(REG.ctx, R1);
  e.load('W', R2, REG.ctx, HookContextOffset.data);
  e.load('W', R3, REG.ctx, HookContextOffset.dataEnd);
  e.store('DW', R10, CTX_AT + CTX.data, R2);
  e.store('DW', R10, CTX_AT + CTX.dataEnd, R3);
  e.storeImm('DW', R10, CTX_AT + CTX.flush, 0);
  e.storeImm('DW', R10, CTX_AT + CTX.aggs, 0);
  e.storeImm('W', R10, KEY_AT, 0);
  e.comment('state map entry 0');
  emitArrayLookup(g, g.stateMap);
  e.jumpImm('JEQ', R0, 0, abort);
  e.store('DW', R10, CTX_AT + CTX.state, R0);
  e.movReg(REG.state, R0);
  if (plan.rows !== undefined) {
    e.comment('output buffer entry 0: its header');
    emitArrayLookup(g, g.aggMap);
    e.jumpImm('JEQ', R0, 0, abort);
    e.store('DW', R10, CTX_AT + CTX.aggs, R0);
    // A top-N heap's header counts the rows kept over the whole scan; an output buffer's, this call's records.
    if (g.top === undefined) emitOutputHeader(g, done);
  } else if (plan.groupBy.length === 0 && plan.keyed === undefined) {
    e.comment('aggregate map entry 0 (no GROUP BY)');
    emitArrayLookup(g, g.aggMap);
    e.jumpImm('JEQ', R0, 0, abort);
    e.store('DW', R10, CTX_AT + CTX.aggs, R0);
  }
  e.load('DW', R0, REG.state, S.started);
  e.jumpImm('JNE', R0, 0, ready);
  e.comment('first chunk: line 1, header line for CSV');
  e.storeImm('DW', REG.state, S.started, 1);
  e.storeImm('DW', REG.state, S.line, 1);
  if (plan.table.header) e.storeImm('DW', REG.state, S.header, 1);
  else emitFirstField(g);
  e.bind(ready);
  e.load('DW', R0, REG.state, S.fatal);
  e.jumpImm('JNE', R0, 0, done);
  if (plan.onError === 'stop') {
    e.load('DW', R0, REG.state, S.errCode);
    e.jumpImm('JNE', R0, 0, done);
  }
  e.comment(`bpf_loop(${maxChunk + 1}, scan, &context, 0): each call consumes at least one byte, stops at data_end`);
  e.movImm(R1, maxChunk + 1);
  e.funcRef(R2, callback);
  e.movReg(R3, R10);
  e.aluImm('ADD', R3, CTX_AT);
  e.movImm(R4, 0);
  e.call(HelperId.loop);
  e.bind(done);
  e.comment('the next chunk starts at position 0');
  e.storeImm('DW', REG.state, S.pos, 0);
  e.movImm(R0, XdpAction.DROP);
  e.exit();
  e.bind(abort);
  e.movImm(R0, XdpAction.ABORTED);
  e.exit();
}

function emitArrayLookup(g: Gen, map: number): void {
  const { e } = g;
  e.mapRef(R1, map);
  e.movReg(R2, R10);
  e.aluImm('ADD', R2, KEY_AT);
  e.call(HelperId.map_lookup_elem);
}
