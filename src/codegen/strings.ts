// String predicates over a captured field: equality, IN lists and LIKE exact/prefix/suffix/infix, as jumps.
import type { Constant, Expr } from '../sql/plan.js';
import { isString } from '../values/types.js';
import type { Label } from './emitter.js';
import { REG, emitFatal, unsupported, type Gen } from './context.js';
import { FatalCode } from './layout.js';
import type { ColumnSlot } from './layout.js';

/** isStringExpr is true for a char/varchar column or constant. */
export function isStringExpr(expr: Expr): boolean {
  return (expr.kind === 'column' || expr.kind === 'constant') && isString(expr.type);
}

/**
 * emitStringTest jumps to `target` when the string predicate's truth equals `when`. Supported:
 * column = / <> constant, column IN (constants), column LIKE pattern.
 */
export function emitStringTest(g: Gen, expr: Expr, target: Label, when: boolean): void {
  if (expr.kind === 'compare') {
    if (expr.op !== '=' && expr.op !== '<>') throw unsupported(g, `ordering comparison ${expr.op} on strings`);
    const [column, constant] = expr.left.kind === 'column' ? [expr.left, expr.right] : [expr.right, expr.left];
    if (column.kind !== 'column' || constant.kind !== 'constant') throw unsupported(g, 'comparing two string columns');
    const bytes = stringBytes(g, constant.value);
    emitAnyMatch(g, [(miss) => emitEquals(g, slotOf(g, column.column, column.name), bytes, miss)], target, expr.op === '=' ? when : !when);
    return;
  }
  if (expr.kind === 'in') {
    const operand = expr.operand;
    if (operand.kind !== 'column') throw unsupported(g, 'IN over a string expression');
    const slot = slotOf(g, operand.column, operand.name);
    emitAnyMatch(g, expr.values.map((c) => (miss: Label) => emitEquals(g, slot, stringBytes(g, c), miss)), target, when);
    return;
  }
  if (expr.kind === 'like') {
    const operand = expr.operand;
    if (operand.kind !== 'column') throw unsupported(g, 'LIKE over a string expression');
    const slot = slotOf(g, operand.column, operand.name);
    const pattern = expr.bytes;
    const test =
      expr.match === 'exact'
        ? (miss: Label) => emitEquals(g, slot, pattern, miss)
        : expr.match === 'prefix'
          ? (miss: Label) => emitPrefix(g, slot, pattern, miss)
          : expr.match === 'suffix'
            ? (miss: Label) => emitSuffix(g, slot, pattern, miss)
            : (miss: Label) => emitInfix(g, slot, pattern, miss);
    emitAnyMatch(g, [test], target, when);
    return;
  }
  throw unsupported(g, `a ${expr.kind} over strings`);
}

/** A Test falls through when it matches and jumps to `miss` when it does not. */
type Test = (miss: Label) => void;

/** emitAnyMatch jumps to `target` when (any test matches) === when. */
function emitAnyMatch(g: Gen, tests: readonly Test[], target: Label, when: boolean): void {
  const { e } = g;
  const matched = when ? target : e.label('string_matched');
  for (const test of tests) {
    const miss = e.label('string_miss');
    test(miss);
    e.goto(matched);
    e.bind(miss);
  }
  if (!when) {
    e.goto(target);
    e.bind(matched);
  }
}

function slotOf(g: Gen, column: number, name: string): ColumnSlot & { bytes: number; codec: { kind: 'string'; width: number } } {
  const slot = g.layout.columns.find((c) => c.column === column);
  if (slot === undefined || slot.codec.kind !== 'string' || slot.bytes === undefined) throw unsupported(g, `column ${name} as a string`);
  return slot as ColumnSlot & { bytes: number; codec: { kind: 'string'; width: number } };
}

function stringBytes(g: Gen, c: Constant): Uint8Array {
  if (c.kind !== 'string') throw unsupported(g, 'comparing a string column with a non-string constant');
  return c.bytes;
}

/** wordAt reads up to 8 bytes of `bytes` from `at` as a little-endian value (zero padded). */
function wordAt(bytes: Uint8Array, at: number, count: number): bigint {
  let v = 0n;
  for (let i = Math.min(count, bytes.length - at) - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[at + i] as number);
  return v;
}

/** emitEquals: the captured field equals `bytes` exactly (buffers are zero past the length). */
function emitEquals(g: Gen, slot: ReturnType<typeof slotOf>, bytes: Uint8Array, miss: Label): void {
  const { e } = g;
  if (bytes.length > slot.codec.width) {
    e.goto(miss);
    return;
  }
  e.load('DW', 0, REG.state, slot.offset);
  e.jumpImm('JNE', 0, bytes.length, miss);
  for (let at = 0; at < bytes.length; at += 8) {
    e.load('DW', 0, REG.state, slot.bytes + at);
    e.constant(1, wordAt(bytes, at, 8));
    e.jumpReg('JNE', 0, 1, miss);
  }
}

/** emitPrefix: the captured field starts with `bytes`. */
function emitPrefix(g: Gen, slot: ReturnType<typeof slotOf>, bytes: Uint8Array, miss: Label): void {
  const { e } = g;
  if (bytes.length > slot.codec.width) {
    e.goto(miss);
    return;
  }
  e.load('DW', 0, REG.state, slot.offset);
  e.jumpImm('JLT', 0, bytes.length, miss);
  for (let at = 0; at < bytes.length; at += 8) {
    const count = Math.min(8, bytes.length - at);
    e.load('DW', 0, REG.state, slot.bytes + at);
    if (count < 8) {
      e.constant(1, (1n << BigInt(count * 8)) - 1n);
      e.aluReg('AND', 0, 1);
    }
    e.constant(1, wordAt(bytes, at, count));
    e.jumpReg('JNE', 0, 1, miss);
  }
}

/** emitSuffix: the captured field ends with `bytes` (compared from a bounded variable position). */
function emitSuffix(g: Gen, slot: ReturnType<typeof slotOf>, bytes: Uint8Array, miss: Label): void {
  const { e } = g;
  if (bytes.length > slot.codec.width) {
    e.goto(miss);
    return;
  }
  emitCapturedInFull(g, slot.offset, slot.codec.width);
  e.load('DW', 1, REG.state, slot.offset);
  e.jumpImm('JLT', 1, bytes.length, miss);
  e.jumpImm('JGT', 1, slot.codec.width, miss);
  e.aluImm('SUB', 1, bytes.length);
  e.movReg(2, REG.state);
  e.aluReg('ADD', 2, 1);
  bytes.forEach((byte, j) => {
    e.load('B', 0, 2, slot.bytes + j);
    e.jumpImm('JNE', 0, byte, miss);
  });
}

/** emitInfix: `bytes` occurs somewhere in the captured field (each start position tried in turn). */
function emitInfix(g: Gen, slot: ReturnType<typeof slotOf>, bytes: Uint8Array, miss: Label): void {
  const { e } = g;
  if (bytes.length === 0) return;
  const found = e.label('infix_found');
  emitCapturedInFull(g, slot.offset, slot.codec.width);
  e.load('DW', 1, REG.state, slot.offset);
  for (let start = 0; start + bytes.length <= slot.codec.width; start++) {
    const next = e.label('infix_next');
    e.jumpImm('JLT', 1, start + bytes.length, miss);
    bytes.forEach((byte, j) => {
      e.load('B', 0, REG.state, slot.bytes + start + j);
      e.jumpImm('JNE', 0, byte, next);
    });
    e.goto(found);
    e.bind(next);
  }
  e.goto(miss);
  e.bind(found);
}

/**
 * emitCapturedInFull stops the scan (FatalCode.stringTooLong) when the string whose length word is
 * at `lengthOffset` was longer than its capture width: its bytes are needed in full here.
 */
export function emitCapturedInFull(g: Gen, lengthOffset: number, width: number): void {
  const { e } = g;
  const ok = e.label('captured_in_full');
  e.load('DW', 0, REG.state, lengthOffset);
  e.jumpImm('JLE', 0, width, ok);
  emitFatal(g, FatalCode.stringTooLong);
  e.bind(ok);
}
