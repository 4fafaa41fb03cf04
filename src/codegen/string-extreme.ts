// MIN and MAX of a string column in the program: a bytewise compare of the captured value with the group's, copying the winner.
import { R0, R1, R2, R3 } from '../asm/builder.js';
import type { Label } from './emitter.js';
import { REG, unsupported, type Gen } from './context.js';
import { slotOf, type AggSlot } from './layout.js';
import { emitCapturedInFull } from './strings.js';

/**
 * emitStringExtreme folds the row's value of a string column into MIN or MAX of the group at r8, whose
 * slot holds a length word and the bytes (the column's capture width, rounded up to 8). Bytes compare as
 * unsigned numbers, first difference deciding, a proper prefix first ("Text is bytes"). A value longer
 * than its capture stops the scan (emitCapturedInFull): it could not be kept whole. `countAt` is the
 * word that is 0 before the group's first value (a NULL-skipping count), or 0 for the group count
 * (already 1 on its first row). Uses r0..r3.
 */
export function emitStringExtreme(g: Gen, agg: AggSlot, countAt: number): void {
  const { e, layout } = g;
  const arg = agg.spec.arg;
  const slot = arg?.kind === 'column' ? slotOf(layout, arg.column) : undefined;
  if (slot === undefined || slot.codec.kind !== 'string' || slot.bytes === undefined) throw unsupported(g, `${agg.spec.fn} of this string`, undefined);
  const width = slot.codec.width;
  const bytes = slot.bytes;
  emitCapturedInFull(g, slot.offset, width);
  const set = e.label('string_extreme_set');
  const keep = e.label('string_extreme_kept');
  const [less, greater] = agg.spec.fn === 'min' ? [set, keep] : [keep, set];
  e.load('DW', R1, REG.group, countAt);
  e.jumpImm('JEQ', R1, countAt === 0 ? 1 : 0, set);
  e.load('DW', R2, REG.state, slot.offset);
  e.load('DW', R3, REG.group, agg.offset);
  const ended: Label[] = [];
  for (let i = 0; i < width; i++) {
    const here = e.label('row_value_ended');
    ended.push(here);
    e.jumpImm('JLE', R2, i, here);
    e.jumpImm('JLE', R3, i, greater);
    e.load('B', R0, REG.state, bytes + i);
    e.load('B', R1, REG.group, agg.offset + 8 + i);
    e.jumpReg('JLT', R0, R1, less);
    e.jumpReg('JGT', R0, R1, greater);
  }
  e.goto(keep);
  ended.forEach((here, i) => {
    e.bind(here);
    e.jumpImm('JLE', R3, i, keep);
    e.goto(less);
  });
  e.bind(set);
  for (let at = 0; at < 8 + width; at += 8) {
    e.load('DW', R0, REG.state, at === 0 ? slot.offset : bytes + at - 8);
    e.store('DW', REG.group, agg.offset + at, R0);
  }
  e.bind(keep);
}
