// NULL in the storage program: a decoded column's NULL byte, and jumps taken where a value or a key part is NULL.
import { R0 } from '../asm/builder.js';
import type { ValueExpr } from '../sql/plan.js';
import { REG, unsupported, type Gen } from './context.js';
import type { Label } from './emitter.js';
import { slotOf } from './layout.js';
import { emitStringValue } from './computed-strings.js';

/**
 * emitNullCheck jumps to `onNull` when column `column` is NULL in the current row (its NULL byte, see
 * ColumnSlot.nullFlag; a join's build value has one where its map value can hold NULL). A column without one is never NULL. Clobbers r0.
 */
export function emitNullCheck(g: Gen, column: number, name: string, onNull: Label | undefined): void {
  const flag = slotOf(g.layout, column)?.nullFlag;
  if (flag === undefined) return;
  if (onNull === undefined) throw unsupported(g, `column ${name} where it can be NULL`, undefined);
  g.e.load('B', R0, REG.state, flag);
  g.e.jumpImm('JNE', R0, 0, onNull);
}

/**
 * emitStringNullCheck jumps to `onNull` when a string operand is NULL: a column's NULL byte, or that of the
 * slot a string the program computes is filled into (computed-strings.ts; computed here). Clobbers r0..r5.
 */
export function emitStringNullCheck(g: Gen, operand: ValueExpr, onNull: Label | undefined, depth = 0): void {
  if (operand.kind === 'column') return emitNullCheck(g, operand.column, operand.name, onNull);
  if (operand.kind === 'constant') return;
  const flag = emitStringValue(g, operand, depth).nullFlag;
  if (flag === undefined) return;
  if (onNull === undefined) throw unsupported(g, `${operand.kind === 'substring' ? operand.name : 'this string'} where it can be NULL`, undefined);
  g.e.load('B', R0, REG.state, flag);
  g.e.jumpImm('JNE', R0, 0, onNull);
}

