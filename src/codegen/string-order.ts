// Bytewise ordering of a captured string column against a string constant (<, <=, >, >=), as jumps.
import { R0, R2 } from '../asm/builder.js';
import { orderHolds } from '../sql/fold.js';
import type { CompareOp } from '../sql/plan.js';
import type { Label } from './emitter.js';
import { REG, type Gen } from './context.js';
import type { ColumnSlot } from './layout.js';

/**
 * emitStringOrder jumps to `target` when (column `op` constant) === `when`, comparing bytes as unsigned
 * numbers, first difference deciding and a proper prefix ordering first (the README's "Text is bytes").
 * Only the constant's length of the value is read, which the layout captures (longestLiterals), so a
 * value longer than its capture still compares exactly. No jump is emitted that no byte can take (below
 * 0, above 255), and the binder folds comparisons with the empty string, so every instruction is reachable.
 */
export function emitStringOrder(g: Gen, slot: ColumnSlot & { bytes: number }, constant: Uint8Array, op: CompareOp, target: Label, when: boolean): void {
  const { e } = g;
  const done = e.label('string_order_done');
  const to = (order: number): Label => (orderHolds(op, order) === when ? target : done);
  const [less, equal, greater] = [to(-1), to(0), to(1)];
  e.load('DW', R2, REG.state, slot.offset);
  constant.forEach((byte, i) => {
    e.jumpImm('JLE', R2, i, less);
    e.load('B', R0, REG.state, slot.bytes + i);
    if (byte > 0) e.jumpImm('JLT', R0, byte, less);
    if (byte < 255) e.jumpImm('JGT', R0, byte, greater);
  });
  if (equal !== greater) e.jumpImm('JEQ', R2, constant.length, equal);
  e.goto(greater);
  e.bind(done);
}
