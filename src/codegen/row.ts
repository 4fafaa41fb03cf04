// End of a well-formed row: evaluate the filter, find the row's group, and fold the row into the aggregates.
import { HelperId } from '../asm/helpers.js';
import type { Label } from './emitter.js';
import { CTX, REG, emitFatal, type Gen } from './context.js';
import { describe, emitJump, emitValue } from './expr.js';
import { FatalCode, type AggSlot } from './layout.js';
import { emitCapturedInFull } from './strings.js';

/** BPF_NOEXIST is map_update_elem's flag for "insert only". */
const BPF_NOEXIST = 1;

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
    emitJump(g, plan.filter, done, false);
  }
  if (plan.groupBy.length === 0) {
    e.comment('the single group: aggregate value found by the entry function');
    e.load('DW', REG.group, REG.ctx, CTX.aggs);
  } else {
    emitFindGroup(g);
  }
  e.comment('count(*) of the group');
  e.load('DW', 0, REG.group, 0);
  e.aluImm('ADD', 0, 1);
  e.store('DW', REG.group, 0, 0);
  for (const agg of g.layout.aggs) emitAggregate(g, agg);
  e.goto(done);
}

/** emitFindGroup builds the fixed-width group key and points r8 at the group's value, inserting it if new. */
function emitFindGroup(g: Gen): void {
  const { e, layout } = g;
  e.comment(`group key: ${g.plan.groupBy.map((c) => c.name).join(', ')}`);
  for (const part of layout.key) {
    if (part.slot.codec.kind === 'string') emitCapturedInFull(g, part.slot.offset, part.slot.codec.width);
    for (let at = 0; at < part.size; at += 8) {
      const from = at === 0 ? part.slot.offset : (part.slot.bytes as number) + at - 8;
      e.load('DW', 0, REG.state, from);
      e.store('DW', REG.state, layout.keyOffset + part.offset + at, 0);
    }
  }
  const found = e.label('group_found');
  emitLookup(g);
  e.jumpImm('JNE', 0, 0, found);
  e.comment('new group: insert zeroed aggregates');
  e.mapRef(1, g.aggMap);
  e.movReg(2, REG.state);
  e.aluImm('ADD', 2, layout.keyOffset);
  e.movReg(3, REG.state);
  e.aluImm('ADD', 3, layout.zeroValue);
  e.movImm(4, BPF_NOEXIST);
  e.call(HelperId.map_update_elem);
  const inserted = e.label('group_inserted');
  e.jumpImm('JEQ', 0, 0, inserted);
  emitFatal(g, FatalCode.groupsFull);
  e.bind(inserted);
  emitLookup(g);
  e.jumpImm('JNE', 0, 0, found);
  emitFatal(g, FatalCode.groupsFull);
  e.bind(found);
  e.movReg(REG.group, 0);
}

function emitLookup(g: Gen): void {
  const { e } = g;
  e.mapRef(1, g.aggMap);
  e.movReg(2, REG.state);
  e.aluImm('ADD', 2, g.layout.keyOffset);
  e.call(HelperId.map_lookup_elem);
}

/** emitAggregate folds the row into one aggregate of the group at r8 (count already incremented). */
function emitAggregate(g: Gen, agg: AggSlot): void {
  const { e } = g;
  const { spec, offset } = agg;
  if (spec.fn === 'count_star' || spec.fn === 'count') return;
  if (spec.arg === undefined) throw new Error(`codegen: ${spec.fn} without an argument`);
  e.comment(`${spec.fn}(${describe(spec.arg)})`);
  emitValue(g, spec.arg);
  if (spec.fn === 'sum' || spec.fn === 'avg') {
    // 128-bit sum: low word wraps with a carry into the high word, which also takes the sign extension.
    const noCarry = e.label('no_carry');
    e.load('DW', 1, REG.group, offset);
    e.aluReg('ADD', 1, 0);
    e.load('DW', 2, REG.group, offset + 8);
    e.movReg(3, 0);
    e.aluImm('ARSH', 3, 63);
    e.aluReg('ADD', 2, 3);
    e.jumpReg('JGE', 1, 0, noCarry);
    e.aluImm('ADD', 2, 1);
    e.bind(noCarry);
    e.store('DW', REG.group, offset, 1);
    e.store('DW', REG.group, offset + 8, 2);
    return;
  }
  const keep = e.label('keep_extreme');
  const set = e.label('set_extreme');
  e.load('DW', 1, REG.group, 0);
  e.jumpImm('JEQ', 1, 1, set);
  e.load('DW', 1, REG.group, offset);
  e.jumpReg(spec.fn === 'min' ? 'JSGE' : 'JSLE', 0, 1, keep);
  e.bind(set);
  e.store('DW', REG.group, offset, 0);
  e.bind(keep);
}
