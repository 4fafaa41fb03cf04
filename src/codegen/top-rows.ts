// Top-N in the program: a row selection's ORDER BY … LIMIT n keeps its best n rows in a heap map (worst at the root), and back.
import { R0, R1, R2, R3, R4, R6, R7, R8, R9, R10 } from '../asm/builder.js';
import { HelperId } from '../asm/helpers.js';
import type { MapSpec } from '../asm/program.js';
import type { Plan } from '../sql/plan.js';
import { storageTopN } from '../sql/top-n.js';
import type { Value } from '../values/types.js';
import { CTX, REG, emitFatal, type Gen } from './context.js';
import type { Label, Register } from './emitter.js';
import { describe } from './expr.js';
import { FatalCode, S, type Layout } from './layout.js';
import { decodeRecords, emitRecordParts, planRecord, type RowRecord } from './output-rows.js';
import { emitCapturedInFull } from './strings.js';

/** TOP_MAP is the heap's map name: an array of n + 2 records, entry 0 the header (HEAP_COUNT, HEAP_MOVING), 1..n the heap, n + 1 the candidate. */
export const TOP_MAP = 'top';

/** TopHeap is a heap of the best n rows: its records (the row's values, then its position in the scan) and where the position sits. */
export interface TopHeap {
  readonly n: number;
  readonly record: RowRecord;
  /** Offset of the row's ordinal among the rows scanned (file order), the tiebreak after the ORDER BY keys. */
  readonly seq: number;
}

/** TopGen is a heap and the two bpf_loop callbacks that restore its order. */
export interface TopGen {
  readonly heap: TopHeap;
  readonly siftUp: Label;
  readonly siftDown: Label;
}

/** planTopHeap lays out the heap of a row selection that storageTopN keeps in storage, else undefined. */
export function planTopHeap(plan: Plan, layout: Layout): TopHeap | undefined {
  const top = storageTopN(plan);
  if (top === undefined || !top.inStorage) return undefined;
  const { parts } = planRecord(plan, layout);
  // The values, then their NULL bytes (RecordPart.nullAt), then the ordinal.
  const seq = parts.reduce((end, part) => Math.max(end, (part.nullAt + 8) & ~7), 0);
  return { n: top.n, record: { parts, size: seq + 8 }, seq };
}

/** topMapSpec is the heap's map: header, n heap slots, the candidate slot. */
export function topMapSpec(heap: TopHeap): MapSpec {
  return { name: TOP_MAP, type: 'array', keySize: 4, valueSize: heap.record.size, maxEntries: heap.n + 2, flags: 0 };
}

/** HEAP_COUNT is the header word holding how many heap slots are filled. */
const HEAP_COUNT = 0;
/**
 * HEAP_MOVING is the header word holding the number of the slot the moving row is in during a sift. It
 * lives in the map, not on the stack, so that a verifier sees the same unknown number at every iteration of
 * a sift callback: its walk of the callback ends after one or two rounds whatever n is.
 */
const HEAP_MOVING = 8;
/** A callback's own stack: the u32 key of a slot lookup. */
const KEY_AT = -8;

/**
 * emitTopRow writes the kept row's values and its scan ordinal into the candidate slot; while the heap
 * has fewer than n rows the candidate joins it (sift up), else it replaces the root when it is better
 * than the root, the worst row kept (sift down). Uses r0..r5 and r8.
 */
export function emitTopRow(g: Gen, top: TopGen, done: Label): void {
  const { e, layout } = g;
  const { heap } = top;
  e.comment(`keep the row if it is among the best ${heap.n}: ${heap.record.parts.map((part) => describe(part.value)).join(', ')}`);
  for (const part of heap.record.parts) if (part.string) emitCapturedInFull(g, part.string.offset, part.string.codec.width);
  emitSlot(g, heap.n + 1, REG.state, layout.keyOffset);
  e.movReg(REG.group, R0);
  emitRecordParts(g, heap.record);
  e.load('DW', R0, REG.state, S.rows);
  e.store('DW', REG.group, heap.seq, R0);
  const full = e.label('heap_full');
  e.load('DW', R1, REG.ctx, CTX.aggs);
  e.load('DW', R0, R1, HEAP_COUNT);
  e.jumpImm('JGE', R0, heap.n, full);
  e.comment('the heap has room: the candidate joins it as its last slot');
  e.aluImm('ADD', R0, 1);
  e.store('DW', R1, HEAP_COUNT, R0);
  e.store('DW', R1, HEAP_MOVING, R0);
  emitSlot(g, R0, REG.state, layout.keyOffset);
  emitCopy(g, REG.group, R0, heap.record.size);
  emitSift(g, top.siftUp, heap.n);
  e.goto(done);
  e.bind(full);
  e.comment('the heap is full: the candidate replaces the root (the worst row kept) if it is better');
  const replace = e.label('heap_replace_root');
  emitSlot(g, 1, REG.state, layout.keyOffset);
  e.movReg(R3, R0);
  emitWorse(g, heap, R3, REG.group, replace, done);
  e.bind(replace);
  emitCopy(g, REG.group, R3, heap.record.size);
  e.load('DW', R1, REG.ctx, CTX.aggs);
  e.storeImm('DW', R1, HEAP_MOVING, 1);
  emitSift(g, top.siftDown, heap.n);
  e.goto(done);
}

/** emitSift runs `callback` with bpf_loop (no context: the moving slot is HEAP_MOVING), one heap level per iteration. */
function emitSift(g: Gen, callback: Label, n: number): void {
  const { e } = g;
  e.movImm(R1, Math.ceil(Math.log2(n + 1)));
  e.funcRef(R2, callback);
  e.movImm(R3, 0);
  e.movImm(R4, 0);
  e.call(HelperId.loop);
}

/**
 * emitTopCallbacks emits the two sift callbacks (bpf_loop(levels, callback, NULL, 0)). Each call moves
 * the row in the header's HEAP_MOVING slot one level and returns 0 to go on, or 1 when the heap is in
 * order (every slot's row worse than, or as bad as, its children's).
 */
export function emitTopCallbacks(g: Gen, top: TopGen): void {
  const { e } = g;
  const { heap } = top;
  const [header, slot, child, node, other] = [R6, R7, R8, R9, R3];
  const stop = e.label('sift_stop');
  const swap = e.label('sift_swap');

  e.func(top.siftUp);
  e.comment('sift up: while the slot\'s row is worse than its parent\'s, swap them');
  emitSlot(g, 0, R10, KEY_AT, stop);
  e.movReg(header, R0);
  e.load('DW', slot, header, HEAP_MOVING);
  e.jumpImm('JLE', slot, 1, stop);
  emitSlot(g, slot, R10, KEY_AT, stop);
  e.movReg(node, R0);
  e.aluImm('RSH', slot, 1);
  emitSlot(g, slot, R10, KEY_AT, stop);
  e.movReg(child, node);
  e.movReg(node, R0);
  e.store('DW', header, HEAP_MOVING, slot);
  emitWorse(g, heap, child, node, swap, stop);

  emitSwapOrStop(g, child, node, heap.record.size, swap, stop);

  const noRight = e.label('sift_no_right');
  const rightWorse = e.label('sift_right_worse');
  const down = e.label('sift_down_swap');
  const downStop = e.label('sift_down_stop');
  e.func(top.siftDown);
  e.comment('sift down: while a child\'s row is worse than the slot\'s, swap the slot with its worse child');
  emitSlot(g, 0, R10, KEY_AT, downStop);
  e.movReg(header, R0);
  e.load('DW', slot, header, HEAP_MOVING);
  emitSlot(g, slot, R10, KEY_AT, downStop);
  e.movReg(node, R0);
  e.aluImm('LSH', slot, 1);
  e.jumpImm('JGT', slot, heap.n, downStop);
  emitSlot(g, slot, R10, KEY_AT, downStop);
  e.movReg(child, R0);
  e.store('DW', header, HEAP_MOVING, slot);
  e.jumpImm('JGE', slot, heap.n, noRight);
  e.aluImm('ADD', slot, 1);
  emitSlot(g, slot, R10, KEY_AT, noRight);
  e.movReg(other, R0);
  emitWorse(g, heap, other, child, rightWorse, noRight);
  e.bind(rightWorse);
  e.movReg(child, other);
  e.store('DW', header, HEAP_MOVING, slot);
  e.bind(noRight);
  emitWorse(g, heap, child, node, down, downStop);
  emitSwapOrStop(g, child, node, heap.record.size, down, downStop);
}

/**
 * emitSlot points r0 at heap slot `slot` (a number, or a register holding it), its u32 key written at
 * `keyBase + keyAt`. A missing slot jumps to `missing`, or stops the scan with heapSlotMissing (row code).
 */
function emitSlot(g: Gen, slot: number | Register, keyBase: Register, keyAt: number, missing?: Label): void {
  const { e } = g;
  if (typeof slot === 'number') e.storeImm('W', keyBase, keyAt, slot);
  else e.store('W', keyBase, keyAt, slot);
  e.mapRef(R1, g.aggMap);
  e.movReg(R2, keyBase);
  e.aluImm('ADD', R2, keyAt);
  e.call(HelperId.map_lookup_elem);
  if (missing !== undefined) {
    e.jumpImm('JEQ', R0, 0, missing);
    return;
  }
  const found = e.label('heap_slot_found');
  e.jumpImm('JNE', R0, 0, found);
  emitFatal(g, FatalCode.heapSlotMissing);
  e.bind(found);
}

/**
 * emitWorse jumps to `worse` when record `first` comes after record `second` (by the ORDER BY keys, then by scan
 * ordinal), else to `notWorse`. Numbers and dates
 * compare as signed words, strings byte by byte (8 bytes at a time, big-endian, unsigned; the bytes past
 * a value's length are zero, so a proper prefix comes first), then by length; NULL comes after every value,
 * ascending or descending (a NULL's value words are 0, so two NULLs compare equal). Uses r0 and r1.
 */
function emitWorse(g: Gen, heap: TopHeap, first: Register, second: Register, worse: Label, notWorse: Label): void {
  const { e, plan } = g;
  const order = plan.rows?.order ?? [];
  const compare = (offset: number, signed: boolean, desc: boolean, swapBytes = false): void => {
    const next = e.label('order_next');
    e.load('DW', R0, first, offset);
    e.load('DW', R1, second, offset);
    e.jumpReg('JEQ', R0, R1, next);
    if (swapBytes) {
      e.toBigEndian(R0);
      e.toBigEndian(R1);
    }
    e.jumpReg(signed ? 'JSGT' : 'JGT', R0, R1, desc ? notWorse : worse);
    e.goto(desc ? worse : notWorse);
    e.bind(next);
  };
  for (const key of order) {
    const part = heap.record.parts[key.value];
    if (part === undefined) throw new RangeError('codegen: an ORDER BY key outside the record');
    const bothOrNeither = e.label('null_alike');
    e.load('B', R0, first, part.nullAt);
    e.load('B', R1, second, part.nullAt);
    e.jumpReg('JEQ', R0, R1, bothOrNeither);
    e.jumpReg('JGT', R0, R1, worse);
    e.goto(notWorse);
    e.bind(bothOrNeither);
    if (part.string === undefined) {
      compare(part.offset, true, key.desc);
      continue;
    }
    for (let at = 0; at < part.string.codec.width; at += 8) compare(part.offset + 8 + at, false, key.desc, true);
    compare(part.offset, false, key.desc);
  }
  e.load('DW', R0, first, heap.seq);
  e.load('DW', R1, second, heap.seq);
  e.jumpReg('JGT', R0, R1, worse);
  e.goto(notWorse);
}

/** emitCopy copies a record from `from` to `to`, word by word. Uses r1 (so `to` may be r0). */
function emitCopy(g: Gen, from: Register, to: Register, size: number): void {
  for (let at = 0; at < size; at += 8) {
    g.e.load('DW', R1, from, at);
    g.e.store('DW', to, at, R1);
  }
}

/** emitSwapOrStop ends a sift callback: at `swap` the two records trade places and bpf_loop goes on (r0 = 0), at `stop` it ends (r0 = 1). */
function emitSwapOrStop(g: Gen, a: Register, b: Register, size: number, swap: Label, stop: Label): void {
  const { e } = g;
  e.bind(swap);
  emitSwap(g, a, b, size);
  e.movImm(R0, 0);
  e.exit();
  e.bind(stop);
  e.movImm(R0, 1);
  e.exit();
}

/** emitSwap exchanges two records word by word. Uses r0 and r1. */
function emitSwap(g: Gen, a: Register, b: Register, size: number): void {
  for (let at = 0; at < size; at += 8) {
    g.e.load('DW', R0, a, at);
    g.e.load('DW', R1, b, at);
    g.e.store('DW', a, at, R1);
    g.e.store('DW', b, at, R0);
  }
}

/** TopRows is what one scan's heap held: its rows in file order, and the records' count and bytes (what the node returned). */
export interface TopRows {
  readonly rows: Value[][];
  readonly returned: { readonly rows: number; readonly bytes: number };
}

/** readTopRows reads the heap's rows (entries 1..count) and puts them back in file order by their scan ordinal. */
export function readTopRows(heap: TopHeap, entries: Iterable<readonly [Uint8Array, Uint8Array]>): TopRows {
  const all = [...entries];
  const header = all[0]?.[1];
  const count = header === undefined ? 0 : Math.min(Number(new DataView(header.buffer, header.byteOffset).getBigUint64(HEAP_COUNT, true)), heap.n);
  const seq = ([, value]: readonly [Uint8Array, Uint8Array]) => new DataView(value.buffer, value.byteOffset).getBigUint64(heap.seq, true);
  const kept = all.slice(1, count + 1).sort((x, y) => (seq(x) < seq(y) ? -1 : seq(x) > seq(y) ? 1 : 0));
  return { rows: decodeRecords(heap.record, kept), returned: { rows: count, bytes: count * heap.record.size } };
}
