// End of a well-formed row: evaluate the filter, find the row's group, and fold the row into the aggregates.
import { R0, R1, R2, R3 } from '../asm/builder.js';
import type { Label } from './emitter.js';
import { CTX, REG, emitFatal, type Gen } from './context.js';
import { describe, emitJump, emitValue } from './expr.js';
import { FatalCode, type AggSlot } from './layout.js';
import { emitOutputRow, planRecord } from './output-rows.js';
import { emitTopRow } from './top-rows.js';
import { emitStringExtreme } from './string-extreme.js';
import { isString } from '../values/types.js';
import { emitCapturedInFull } from './strings.js';
import { emitStringNullCheck } from './nulls.js';
import { emitKeyedRow } from './keyed-row.js';
import { emitInsertZeroed, emitKeyLookup } from './keyed-entry.js';
import { isNullable } from '../sql/nullable.js';
import { emitStringValue } from './computed-strings.js';


/** emitRow filters and aggregates the decoded row, then jumps to `done`. Uses r0..r5 and r8. */
export function emitRow(g: Gen, done: Label): void {
  const { e, plan } = g;
  if (plan.filter?.kind === 'truth' && !plan.filter.value) {
    e.comment('filter: decided false at compile time, no row passes');
    e.goto(done);
    return;
  }
  if (plan.filter !== undefined) {
    e.comment(`filter: ${describe(plan.filter)}`);
    emitJump(g, plan.filter, done, false, 0, true); // a row is kept only where the filter is true, not unknown
  }
  if (plan.rows !== undefined) {
    if (g.top !== undefined) emitTopRow(g, g.top, done);
    else emitOutputRow(g, planRecord(plan, g.layout), done);
    return;
  }
  if (plan.keyed !== undefined && g.keyedMap !== undefined) {
    emitKeyedRow(g, plan.keyed, g.keyedMap, done);
    return;
  }
  if (plan.groupBy.length === 0) {
    e.comment('the single group: aggregate value found by the entry function');
    e.load('DW', REG.group, REG.ctx, CTX.aggs);
  } else {
    emitFindGroup(g);
  }
  e.comment('count(*) of the group');
  e.load('DW', R0, REG.group, 0);
  e.aluImm('ADD', R0, 1);
  e.store('DW', REG.group, 0, R0);
  for (const agg of g.layout.aggs) emitAggregate(g, agg);
  e.goto(done);
}

/** emitFindGroup builds the fixed-width group key and points r8 at the group's value, inserting it if new. */
function emitFindGroup(g: Gen): void {
  const { e, layout } = g;
  e.comment(`group key: ${g.plan.groupBy.map((c) => c.name).join(', ')}`);
  for (const part of layout.key) {
    const nullAt = layout.keyOffset + part.nullAt;
    if (part.computed !== undefined && part.slot === undefined && !isNullable(part.computed)) {
      // A key that is never NULL (a CASE over constants): no NULL path, which would be unreachable code.
      emitValue(g, part.computed);
      e.store('DW', REG.state, layout.keyOffset + part.offset, R0);
      e.storeImm('B', REG.state, nullAt, 0);
      continue;
    }
    if (part.computed !== undefined && part.slot === undefined) {
      // A NULL key value is 0 with its NULL byte set, so all NULLs form one group.
      const isNull = e.label('key_null');
      const stored = e.label('key_stored');
      emitValue(g, part.computed, 0, isNull);
      e.store('DW', REG.state, layout.keyOffset + part.offset, R0);
      e.storeImm('B', REG.state, nullAt, 0);
      e.goto(stored);
      e.bind(isNull);
      e.storeImm('DW', REG.state, layout.keyOffset + part.offset, 0);
      e.storeImm('B', REG.state, nullAt, 1);
      e.bind(stored);
      continue;
    }
    if (part.slot === undefined) throw new Error('codegen: a group key part with neither a slot nor a computed value');
    const slot = part.slot;
    // A string the program computes is filled (with its NULL byte) first.
    if (part.computed !== undefined) emitStringValue(g, part.computed, 0);
    // A NULL field left 0 in the slot's value words (ColumnSlot.nullFlag): the key copies them and the NULL byte.
    if (slot.nullFlag === undefined) e.storeImm('B', REG.state, nullAt, 0);
    else {
      e.load('B', R0, REG.state, slot.nullFlag);
      e.store('B', REG.state, nullAt, R0);
    }
    if (part.computed === undefined && slot.codec.kind === 'string') emitCapturedInFull(g, slot.offset, slot.codec.width);
    for (let at = 0; at < part.size; at += 8) {
      const from = at === 0 ? slot.offset : (slot.bytes as number) + at - 8;
      e.load('DW', R0, REG.state, from);
      e.store('DW', REG.state, layout.keyOffset + part.offset + at, R0);
    }
  }
  const found = e.label('group_found');
  emitLookup(g);
  e.jumpImm('JNE', R0, 0, found);
  e.comment('new group: insert zeroed aggregates');
  emitInsertZeroed(g, g.aggMap);
  const inserted = e.label('group_inserted');
  e.jumpImm('JEQ', R0, 0, inserted);
  emitFatal(g, FatalCode.groupsFull);
  e.bind(inserted);
  emitLookup(g);
  e.jumpImm('JNE', R0, 0, found);
  emitFatal(g, FatalCode.groupsFull);
  e.bind(found);
  e.movReg(REG.group, R0);
}

function emitLookup(g: Gen): void {
  emitKeyLookup(g, g.aggMap);
}

/** emitAggregate folds the row into one aggregate of the group at r8 (count already incremented). */
function emitAggregate(g: Gen, agg: AggSlot): void {
  const { e } = g;
  const { spec, countOffset } = agg;
  if (spec.fn === 'count_star' || (spec.fn === 'count' && countOffset === undefined)) return;
  if (spec.arg === undefined) throw new Error(`codegen: ${spec.fn} without an argument`);
  e.comment(`${spec.fn}(${describe(spec.arg)})`);
  if (countOffset !== undefined) {
    // The argument can be NULL (an empty field, a CASE without ELSE): such a row leaves this aggregate as it was.
    const skip = e.label('null_skipped');
    if (isString(spec.arg.type)) {
      emitStringNullCheck(g, spec.arg, skip);
      if (spec.fn !== 'count') emitStringExtreme(g, agg, countOffset);
    } else {
      emitValue(g, spec.arg, 0, skip);
      if (spec.fn !== 'count') emitFold(g, agg, countOffset);
    }
    e.load('DW', R1, REG.group, countOffset);
    e.aluImm('ADD', R1, 1);
    e.store('DW', REG.group, countOffset, R1);
    e.bind(skip);
    return;
  }
  if (isString(spec.arg.type)) return emitStringExtreme(g, agg, 0);
  emitValue(g, spec.arg);
  emitFold(g, agg, 0);
}

/** emitFold folds r0 into a SUM/AVG (128-bit) or MIN/MAX; `countAt` is the word that is 0 before its first value (after, for the group count). */
function emitFold(g: Gen, agg: AggSlot, countAt: number): void {
  const { e } = g;
  const { spec, offset } = agg;
  if (spec.fn === 'sum' || spec.fn === 'avg') {
    // 128-bit sum: low word wraps with a carry into the high word, which also takes the sign extension.
    const value = R0; // where emitValue leaves it
    const [low, high, signExtension] = [R1, R2, R3];
    const noCarry = e.label('no_carry');
    e.load('DW', low, REG.group, offset);
    e.aluReg('ADD', low, value);
    e.load('DW', high, REG.group, offset + 8);
    e.movReg(signExtension, value);
    e.aluImm('ARSH', signExtension, 63);
    e.aluReg('ADD', high, signExtension);
    e.jumpReg('JGE', low, value, noCarry);
    e.aluImm('ADD', high, 1);
    e.bind(noCarry);
    e.store('DW', REG.group, offset, low);
    e.store('DW', REG.group, offset + 8, high);
    return;
  }
  const keep = e.label('keep_extreme');
  const set = e.label('set_extreme');
  // The group count is already incremented for this row (1 on its first); a NULL-skipping count is not yet (0).
  e.load('DW', R1, REG.group, countAt);
  e.jumpImm('JEQ', R1, countAt === 0 ? 1 : 0, set);
  e.load('DW', R1, REG.group, offset);
  e.jumpReg(spec.fn === 'min' ? 'JSGE' : 'JSLE', R0, R1, keep);
  e.bind(set);
  e.store('DW', REG.group, offset, R0);
  e.bind(keep);
}
