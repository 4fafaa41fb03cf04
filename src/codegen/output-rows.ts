// Row selection in the program: each kept row's selected values become one record of the output buffer (OutputBuffer), and back.
import { R0, R1 } from '../asm/builder.js';
import type { MapSpec } from '../asm/program.js';
import type { Plan, ValueExpr } from '../sql/plan.js';
import { emitKeyLookup } from './keyed-entry.js';
import { scanStopsAtLimit } from '../sql/row-result.js';
import { byteString } from '../values/bytes.js';
import type { Value } from '../values/types.js';
import { OutputBuffer } from '../storage/hook-context.js';
import { CTX, REG, emitFatal, type Gen } from './context.js';
import type { Label } from './emitter.js';
import { describe, emitValue } from './expr.js';
import { FatalCode, type ColumnSlot, type Layout } from './layout.js';
import { emitCapturedInFull } from './strings.js';
import { emitStringValue } from './computed-strings.js';

/** RecordPart is where one returned value sits in a record: a signed 64-bit word, or a string's length word and bytes. */
export interface RecordPart {
  readonly value: ValueExpr;
  readonly offset: number;
  /** Offset in the record of this value's NULL byte (1 where it is NULL), after every part's value. */
  readonly nullAt: number;
  /** Strings: the column's slot, or the slot the program computes the string into (its bytes are copied whole). */
  readonly string?: ColumnSlot & { readonly bytes: number; readonly codec: { readonly kind: 'string'; readonly width: number } };
}

/** RowRecord is the layout of one output record. */
export interface RowRecord {
  readonly parts: readonly RecordPart[];
  /** Bytes of a record (a multiple of 8, at least the header's). */
  readonly size: number;
}

/** planRecord lays out a row selection's values: 8 bytes per number or date, 8 + width rounded to 8 per string, then a NULL byte per value. */
export function planRecord(plan: Plan, layout: Layout): RowRecord {
  let at = 0;
  const parts = (plan.rows?.values ?? []).map((value, index): Omit<RecordPart, 'nullAt'> & { index: number } => {
    const offset = at;
    const slot = value.kind === 'column' ? layout.columns.find((c) => c.column === value.column) : layout.computed.get(value);
    if (slot?.codec.kind === 'string') {
      at += 8 + ((slot.codec.width + 7) & ~7);
      return { value, offset, index, string: slot as NonNullable<RecordPart['string']> };
    }
    at += 8;
    return { value, offset, index };
  });
  const nulls = at;
  at += (parts.length + 7) & ~7;
  return { parts: parts.map(({ index, ...part }) => ({ ...part, nullAt: nulls + index })), size: Math.max(at, OutputBuffer.programWords + 8) };
}

/**
 * outputMapSpec is the output buffer: the header, then room for every row one call can end. A row ends
 * at a line break, so a chunk of `maxChunk` bytes ends at most `maxChunk` rows, and the end-of-file call one.
 */
export function outputMapSpec(record: RowRecord, maxChunk: number): MapSpec {
  return { name: OutputBuffer.mapName, type: 'array', keySize: 4, valueSize: record.size, maxEntries: maxChunk + 2, flags: 0 };
}

/** ROWS_SENT is the header word where the program counts the rows it returned so far (for LIMIT). */
const ROWS_SENT = OutputBuffer.programWords;

/**
 * emitOutputRow appends the kept row's values to the output buffer as record count + 1, bumps the
 * header's count, and under a LIMIT without ORDER BY sets the header's done word and stops the chunk once
 * LIMIT rows were returned. Uses r0..r5 and r8 (the header, then the record).
 */
export function emitOutputRow(g: Gen, record: RowRecord, done: Label): void {
  const { e, plan, layout } = g;
  e.comment(`return the row: ${record.parts.map((part) => describe(part.value)).join(', ')}`);
  for (const part of record.parts) {
    if (part.string === undefined) continue;
    if (part.value.kind === 'column') emitCapturedInFull(g, part.string.offset, part.string.codec.width);
    else emitStringValue(g, part.value, 0);
  }
  const found = e.label('record_found');
  e.load('DW', REG.group, REG.ctx, CTX.aggs);
  e.load('DW', R0, REG.group, OutputBuffer.count);
  e.aluImm('ADD', R0, 1);
  e.store('W', REG.state, layout.keyOffset, R0);
  emitKeyLookup(g, g.aggMap);
  e.jumpImm('JNE', R0, 0, found);
  emitFatal(g, FatalCode.outputFull);
  e.bind(found);
  e.movReg(REG.group, R0);
  emitRecordParts(g, record);
  e.comment('count the record in the header');
  e.load('DW', REG.group, REG.ctx, CTX.aggs);
  e.load('DW', R0, REG.group, OutputBuffer.count);
  e.aluImm('ADD', R0, 1);
  e.store('DW', REG.group, OutputBuffer.count, R0);
  if (!scanStopsAtLimit(plan)) {
    e.goto(done);
    return;
  }
  e.load('DW', R0, REG.group, ROWS_SENT);
  e.aluImm('ADD', R0, 1);
  e.store('DW', REG.group, ROWS_SENT, R0);
  e.jumpImm('JLT', R0, plan.limit, done);
  e.comment(`LIMIT ${plan.limit} reached: no more rows, no more chunks`);
  e.storeImm('DW', REG.group, OutputBuffer.done, 1);
  e.goto(g.stop);
}

/**
 * emitRecordParts writes the row's values into the record at r8 (REG.group): numbers and dates computed,
 * strings copied whole, and each value's NULL byte (a NULL number or date is stored as 0).
 */
export function emitRecordParts(g: Gen, record: RowRecord): void {
  const { e } = g;
  for (const part of record.parts) {
    if (part.string === undefined) {
      const isNull = e.label('value_null');
      const stored = e.label('value_stored');
      emitValue(g, part.value, 0, isNull);
      e.store('DW', REG.group, part.offset, R0);
      e.storeImm('B', REG.group, part.nullAt, 0);
      e.goto(stored);
      e.bind(isNull);
      e.storeImm('DW', REG.group, part.offset, 0);
      e.storeImm('B', REG.group, part.nullAt, 1);
      e.bind(stored);
      continue;
    }
    const { offset, bytes, codec, nullFlag } = part.string;
    if (nullFlag === undefined) e.storeImm('B', REG.group, part.nullAt, 0);
    else {
      e.load('B', R0, REG.state, nullFlag);
      e.store('B', REG.group, part.nullAt, R0);
    }
    e.load('DW', R0, REG.state, offset);
    e.store('DW', REG.group, part.offset, R0);
    for (let at = 0; at < codec.width; at += 8) {
      e.load('DW', R0, REG.state, bytes + at);
      e.store('DW', REG.group, part.offset + 8 + at, R0);
    }
  }
}

/** emitOutputHeader, in the entry function, zeroes the header's count for this call; r0 holds the header. Jumps to `skip` when done. */
export function emitOutputHeader(g: Gen, skip: Label): void {
  const { e } = g;
  e.comment('output buffer: no records yet in this call');
  e.storeImm('DW', R0, OutputBuffer.count, 0);
  if (!scanStopsAtLimit(g.plan)) return;
  e.comment('LIMIT reached in an earlier call: nothing more to read');
  e.load('DW', R1, R0, OutputBuffer.done);
  e.jumpImm('JNE', R1, 0, skip);
}

/** decodeRecords reads the returned records (in the order the node drained them) into row values. */
export function decodeRecords(record: RowRecord, entries: Iterable<readonly [Uint8Array, Uint8Array]>): Value[][] {
  const rows: Value[][] = [];
  for (const [, value] of entries) {
    const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
    rows.push(record.parts.map((part): Value => {
      if (value[part.nullAt] !== 0) return null;
      if (part.string === undefined) return view.getBigInt64(part.offset, true);
      const length = Number(view.getBigUint64(part.offset, true));
      return byteString(value.subarray(part.offset + 8, part.offset + 8 + length));
    }));
  }
  return rows;
}
