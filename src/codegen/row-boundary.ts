// The row fast path at a chunk boundary: hand a row over to the byte scan at a field start, and take it back at one.
import { R0, R1, R2 } from '../asm/builder.js';
import { MAX_LINE_BYTES } from '../sql/plan.js';
import { CTX, REG, type Gen } from './context.js';
import type { Label, Register } from './emitter.js';
import { emitFieldReset, emitFirstField } from './fields.js';
import { S } from './layout.js';

/*
 * A row that straddles two chunks used to be read wholly by the byte scan. Now the fast path reads
 * its fields up to the first field group whose window passes the chunk's end, and hands over there
 * (emitHandOver): it leaves exactly the state the byte scan has just after the delimiter before that
 * field (column, decoder, cleared accumulators, field start, position), with the earlier fields'
 * values in their slots as the byte scan's finish would have put them. In the next chunk, once the
 * byte scan stands at the first byte of a field that starts a group (emitMidRowEntry), with the row
 * still well formed, the fast path takes the rest of the row from there. A bail after such an entry
 * clears every captured string, so entries are only made at groups after which no earlier field is a
 * string; the byte scan then reads the field again from its first byte, as before.
 */

/** MidRowEntry is a field group the fast path can start at: its first column, label, and the most bytes it reads from there to the row's end. */
export interface MidRowEntry {
  readonly column: number;
  readonly label: Label;
  readonly restBytes: number;
}

/**
 * emitHandOver leaves the byte scan's state at the first byte of column `column`, at chunk position
 * `cursor`, and runs the byte scan (`slow`).
 */
export function emitHandOver(g: Gen, column: number, cursor: Register, slow: Label): void {
  const { e, layout } = g;
  e.comment(`the window passes the chunk's end: the byte scan reads on from column ${column}'s first byte`);
  e.store('DW', REG.state, S.pos, cursor);
  e.load('DW', R0, REG.state, S.base);
  e.aluReg('ADD', R0, cursor);
  e.store('DW', REG.state, S.fieldStart, R0);
  e.storeImm('DW', REG.state, S.col, column);
  const slot = layout.columns.find((c) => c.column === column);
  e.storeImm('DW', REG.state, S.kind, slot?.kind ?? 0);
  if (slot !== undefined) emitFieldReset(g);
  e.goto(slow);
}

/**
 * emitMidRowEntry is reached with S.col (non-zero) in r0: if the byte scan stands at the first byte of
 * an entry's column in a well-formed row, with no line break inside quotes so far and room left under
 * the line length limit, it loads `data` and `cursor` (also into S.cursor) and jumps to the entry;
 * otherwise to `slow`.
 */
export function emitMidRowEntry(g: Gen, entries: readonly MidRowEntry[], data: Register, cursor: Register, slow: Label): void {
  const { e, plan } = g;
  e.comment('inside a row begun in an earlier chunk: the fast path may take it from a field group start');
  e.load('DW', cursor, REG.state, S.pos);
  e.load('DW', R1, REG.state, S.base);
  e.aluReg('ADD', R1, cursor);
  e.load('DW', R2, REG.state, S.fieldStart);
  e.jumpReg('JNE', R1, R2, slow);
  for (const word of [S.rowBad, S.quotedLines, ...(plan.table.format === 'csv' ? [S.quote] : [])]) {
    e.load('DW', R2, REG.state, word);
    e.jumpImm('JNE', R2, 0, slow);
  }
  e.load('DW', R2, REG.state, S.lineStart);
  e.aluReg('SUB', R1, R2);
  e.load('DW', data, REG.ctx, CTX.data);
  e.store('DW', REG.state, S.cursor, cursor);
  for (const entry of entries) {
    const other = e.label('other_entry');
    e.jumpImm('JNE', R0, entry.column, other);
    e.jumpImm('JGT', R1, Math.max(0, MAX_LINE_BYTES - entry.restBytes), slow);
    e.goto(entry.label);
    e.bind(other);
  }
  e.goto(slow);
}

/** emitRowStartState puts the byte scan's column and decoder back to a row's first field (after a row entered mid-way). */
export function emitRowStartState(g: Gen): void {
  g.e.storeImm('DW', REG.state, S.col, 0);
  emitFirstField(g);
}
