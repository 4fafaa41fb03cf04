// String predicates over a captured field: equality, ordering, IN lists and LIKE (fixed shapes here, any pattern in like-pattern.ts), as jumps.
import { R0, R1, R2 } from '../asm/builder.js';
import type { Constant, Expr } from '../sql/plan.js';
import { isString } from '../values/types.js';
import type { Label } from './emitter.js';
import { REG, emitFatal, unsupported, type Gen } from './context.js';
import { FatalCode } from './layout.js';
import { emitStringOrder } from './string-order.js';
import { emitLikePattern } from './like-pattern.js';
import { emitStringValue, type StringColumnSlot } from './computed-strings.js';

/** isStringExpr is true for a char/varchar value (a column, constant, SUBSTRING or CASE yielding strings). */
export function isStringExpr(expr: Expr): boolean {
  return 'type' in expr && isString(expr.type);
}

/**
 * emitStringTest jumps to `target` when the string predicate's truth equals `when`. Supported (the
 * binder refuses the rest with the SQL position): value = / <> / < / <= / > / >= constant, value IN (constants),
 * value LIKE pattern, where a value is a string column or one the program computes (computed-strings.ts).
 * Where the value is NULL the test is unknown: it jumps to `unknown`.
 */
export function emitStringTest(g: Gen, expr: Expr, target: Label, when: boolean, depth = 0, unknown?: Label): void {
  if (expr.kind === 'compare' && expr.left.kind !== 'constant' && expr.right.kind === 'constant' && (expr.op === '=' || expr.op === '<>')) {
    const slot = emitStringValue(g, expr.left, depth);
    emitSlotNullCheck(g, slot, unknown);
    const bytes = stringBytes(g, expr.right.value);
    emitAnyMatch(g, [(miss) => emitEquals(g, slot, bytes, miss)], target, expr.op === '=' ? when : !when);
    return;
  }
  if (expr.kind === 'compare' && expr.left.kind !== 'constant' && expr.right.kind === 'constant') {
    const slot = emitStringValue(g, expr.left, depth);
    emitSlotNullCheck(g, slot, unknown);
    const bytes = stringBytes(g, expr.right.value);
    checkCaptured(g, slot, bytes);
    emitStringOrder(g, slot, bytes, expr.op, target, when);
    return;
  }
  if (expr.kind === 'in' && expr.operand.kind !== 'constant') {
    const slot = emitStringValue(g, expr.operand, depth);
    emitSlotNullCheck(g, slot, unknown);
    emitAnyMatch(g, expr.values.map((c) => (miss: Label) => emitEquals(g, slot, stringBytes(g, c), miss)), target, when);
    return;
  }
  if (expr.kind === 'like' && expr.operand.kind !== 'constant') {
    const slot = emitStringValue(g, expr.operand, depth);
    emitSlotNullCheck(g, slot, unknown);
    const pattern = expr.bytes;
    const { segments, at } = expr;
    const test: Test =
      expr.match === 'pattern'
        ? (miss) => {
            emitCapturedInFull(g, slot.offset, slot.codec.width);
            emitLikePattern(g, { name: slot.name, offset: slot.offset, bytes: slot.bytes, width: slot.codec.width }, segments, miss, depth, at);
          }
        : expr.match === 'exact'
        ? (miss) => emitEquals(g, slot, pattern, miss)
        : expr.match === 'prefix'
          ? (miss) => emitPrefix(g, slot, pattern, miss)
          : expr.match === 'suffix'
            ? (miss) => emitSuffix(g, slot, pattern, miss)
            : (miss) => emitInfix(g, slot, pattern, miss);
    emitAnyMatch(g, [test], target, when);
    return;
  }
  throw unsupported(g, `this ${expr.kind} over strings`, 'at' in expr ? expr.at : undefined);
}

/** emitSlotNullCheck jumps to `unknown` when the string in `slot` is NULL (its NULL byte, where it has one). */
function emitSlotNullCheck(g: Gen, slot: StringColumnSlot, unknown: Label | undefined): void {
  if (slot.nullFlag === undefined) return;
  if (unknown === undefined) throw unsupported(g, `${slot.name} where it can be NULL`, undefined);
  g.e.load('B', R0, REG.state, slot.nullFlag);
  g.e.jumpImm('JNE', R0, 0, unknown);
}

/** A Test falls through when its string matches and jumps to `miss` when it does not. */
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

function stringBytes(g: Gen, c: Constant): Uint8Array {
  if (c.kind !== 'string') throw unsupported(g, 'comparing a string column with a non-string constant', undefined);
  return c.bytes;
}

/** checkCaptured asserts the layout's promise that a column captures at least as many bytes as any literal it is tested against. */
function checkCaptured(g: Gen, slot: StringColumnSlot, bytes: Uint8Array): void {
  if (bytes.length > slot.codec.width) throw unsupported(g, `a ${bytes.length}-byte pattern on column ${slot.name}, which captures ${slot.codec.width}`, undefined);
}

/**
 * wordAt reads up to 8 bytes of `bytes` from `at` as the little-endian 64-bit word a DW load of them
 * gives (zero padded), as a signed value: a register holds the same bits whether the top byte is below 0x80 or not.
 */
function wordAt(bytes: Uint8Array, at: number, count: number): bigint {
  let v = 0n;
  for (let i = Math.min(count, bytes.length - at) - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[at + i] as number);
  return BigInt.asIntN(64, v);
}

/** emitEquals: the captured field equals `bytes` exactly (buffers are zero past the length). */
function emitEquals(g: Gen, slot: StringColumnSlot, bytes: Uint8Array, miss: Label): void {
  const { e } = g;
  checkCaptured(g, slot, bytes);
  e.load('DW', R0, REG.state, slot.offset);
  e.jumpImm('JNE', R0, bytes.length, miss);
  for (let at = 0; at < bytes.length; at += 8) {
    e.load('DW', R0, REG.state, slot.bytes + at);
    e.constant(R1, wordAt(bytes, at, 8));
    e.jumpReg('JNE', R0, R1, miss);
  }
}

/** emitPrefix: the captured field starts with `bytes`. */
function emitPrefix(g: Gen, slot: StringColumnSlot, bytes: Uint8Array, miss: Label): void {
  const { e } = g;
  checkCaptured(g, slot, bytes);
  e.load('DW', R0, REG.state, slot.offset);
  e.jumpImm('JLT', R0, bytes.length, miss);
  for (let at = 0; at < bytes.length; at += 8) {
    const count = Math.min(8, bytes.length - at);
    e.load('DW', R0, REG.state, slot.bytes + at);
    if (count < 8) {
      e.constant(R1, (1n << BigInt(count * 8)) - 1n);
      e.aluReg('AND', R0, R1);
    }
    e.constant(R1, wordAt(bytes, at, count));
    e.jumpReg('JNE', R0, R1, miss);
  }
}

/** emitSuffix: the captured field ends with `bytes` (compared from a bounded variable position). */
function emitSuffix(g: Gen, slot: StringColumnSlot, bytes: Uint8Array, miss: Label): void {
  const { e } = g;
  checkCaptured(g, slot, bytes);
  emitCapturedInFull(g, slot.offset, slot.codec.width);
  e.load('DW', R1, REG.state, slot.offset);
  e.jumpImm('JLT', R1, bytes.length, miss);
  e.jumpImm('JGT', R1, slot.codec.width, miss);
  e.aluImm('SUB', R1, bytes.length);
  e.movReg(R2, REG.state);
  e.aluReg('ADD', R2, R1);
  bytes.forEach((byte, j) => {
    e.load('B', R0, R2, slot.bytes + j);
    e.jumpImm('JNE', R0, byte, miss);
  });
}

/** emitInfix: `bytes` occurs somewhere in the captured field (each start position tried in turn). */
function emitInfix(g: Gen, slot: StringColumnSlot, bytes: Uint8Array, miss: Label): void {
  const { e } = g;
  checkCaptured(g, slot, bytes);
  const found = e.label('infix_found');
  emitCapturedInFull(g, slot.offset, slot.codec.width);
  e.load('DW', R1, REG.state, slot.offset);
  for (let start = 0; start + bytes.length <= slot.codec.width; start++) {
    const next = e.label('infix_next');
    e.jumpImm('JLT', R1, start + bytes.length, miss);
    bytes.forEach((byte, j) => {
      e.load('B', R0, REG.state, slot.bytes + start + j);
      e.jumpImm('JNE', R0, byte, next);
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
  e.load('DW', R0, REG.state, lengthOffset);
  e.jumpImm('JLE', R0, width, ok);
  emitFatal(g, FatalCode.stringTooLong);
  e.bind(ok);
}
