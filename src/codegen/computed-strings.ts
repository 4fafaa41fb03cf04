// Strings the program computes per row (SUBSTRING, a CASE yielding strings, a selected constant): where they live and the code that fills them.
import { R0, R1, R2, R3, R4, R5 } from '../asm/builder.js';
import type { Plan, Predicate, ValueExpr } from '../sql/plan.js';
import { MAX_CONTINUATION_BYTES } from '../values/like.js';
import { substringCharacters } from '../values/substring.js';
import { isString } from '../values/types.js';
import { REG, unsupported, type Gen } from './context.js';
import { describe, emitJump } from './expr.js';
import { slotOf, type ColumnSlot } from './layout.js';
import { emitCapturedInFull } from './strings.js';
import { emitContinuationRun } from './utf8.js';

/** StringColumnSlot is a slot holding a string: a length word at `offset`, the bytes at `bytes`, zero past the length. */
export type StringColumnSlot = ColumnSlot & { readonly bytes: number; readonly codec: { readonly kind: 'string'; readonly width: number } };

/**
 * computedStringValues lists, outermost first, every string expression other than a column that a row needs as
 * bytes: GROUP BY keys, returned values, operands of conditions (WHERE, and a CASE's WHEN inside aggregates),
 * a join build side's values, and the SUBSTRING or CASE branches inside them. Each gets a slot (planLayout); constants compared with a
 * column need none.
 */
export function computedStringValues(plan: Plan): ValueExpr[] {
  const found: ValueExpr[] = [];
  const value = (expr: ValueExpr): void => {
    if (expr.kind === 'case') {
      for (const branch of expr.whens) {
        condition(branch.when);
        value(branch.then);
      }
      if (expr.otherwise !== undefined) value(expr.otherwise);
    }
    if (expr.kind === 'arith') {
      value(expr.left);
      value(expr.right);
    }
    if (expr.kind === 'rescale' || expr.kind === 'shift') value(expr.operand);
    if (isString(expr.type) && expr.kind !== 'column' && !found.includes(expr)) found.push(expr);
  };
  const operand = (expr: ValueExpr): void => {
    if (expr.kind !== 'constant') value(expr);
  };
  const condition = (expr: Predicate): void => {
    switch (expr.kind) {
      case 'compare':
        operand(expr.left);
        return operand(expr.right);
      case 'in':
      case 'like':
      case 'isnull':
      case 'unlessnull':
        return operand(expr.operand);
      case 'and':
      case 'or':
        return expr.operands.forEach(condition);
      case 'not':
        return condition(expr.operand);
      case 'truth':
      case 'lookup':
        return;
      default:
        expr satisfies never; // a new kind of condition must say which string operands it reads
    }
  };
  if (plan.filter !== undefined) condition(plan.filter);
  plan.groupBy.forEach(value);
  plan.rows?.values.forEach(value);
  for (const aggregate of plan.aggregates) if (aggregate.arg !== undefined) operand(aggregate.arg);
  plan.keyed?.values.forEach((built) => operand(built.expr));
  // A value inside another is filled first; listing inner ones first keeps slot order stable.
  return found.reverse();
}

/** stringWidth is the most bytes a string expression yields, given the capture width of each string column. */
export function stringWidth(expr: ValueExpr, columnWidth: (column: number) => number): number {
  switch (expr.kind) {
    case 'column':
      return columnWidth(expr.column);
    case 'constant':
      return expr.value.kind === 'string' ? expr.value.bytes.length : 0;
    case 'substring': {
      const [skip, end] = substringCharacters(expr.start, expr.count);
      const source = columnWidth(expr.operand.column);
      return end === undefined ? source : Math.min(source, (end - skip) * (1 + MAX_CONTINUATION_BYTES));
    }
    case 'case':
      return Math.max(0, ...[...expr.whens.map((branch) => branch.then), ...(expr.otherwise ? [expr.otherwise] : [])].map((branch) => stringWidth(branch, columnWidth)));
    default:
      return 0;
  }
}

/** walkMask is the smallest all-ones mask covering 0..width: SUBSTRING's positions are masked with it for the verifiers (they never exceed width). */
export function walkMask(width: number): number {
  let mask = 1;
  while (mask <= width) mask = mask * 2 + 1;
  return mask;
}

/**
 * emitStringValue puts a string expression's bytes in a slot and returns the slot: a column's own capture,
 * or the computed slot it fills now. Uses r0..r5 and the temps from `depth` up (a CASE's conditions).
 */
export function emitStringValue(g: Gen, expr: ValueExpr, depth: number): StringColumnSlot {
  if (expr.kind === 'column') {
    const slot = slotOf(g.layout, expr.column);
    if (slot === undefined || slot.codec.kind !== 'string' || slot.bytes === undefined) throw unsupported(g, `column ${expr.name} as a string`, undefined);
    return slot as StringColumnSlot;
  }
  const slot = g.layout.computed.get(expr) as StringColumnSlot | undefined;
  if (slot === undefined) throw unsupported(g, `the string ${describe(expr)} here`, 'at' in expr ? expr.at : undefined);
  const { e } = g;
  e.comment(`string value: ${describe(expr)}`);
  if (expr.kind === 'constant') emitConstantInto(g, slot, expr.value.kind === 'string' ? expr.value.bytes : new Uint8Array(0));
  else if (expr.kind === 'substring') {
    emitSubstring(g, expr, slot);
    emitNullByte(g, emitStringValue(g, expr.operand, depth), slot);
  }
  else if (expr.kind === 'case') {
    const done = e.label('string_case_done');
    for (const branch of expr.whens) {
      const next = e.label('string_case_next');
      emitJump(g, branch.when, next, false, depth, true); // an unknown WHEN does not hold
      emitCopyInto(g, branch.then, slot, depth);
      e.goto(done);
      e.bind(next);
    }
    if (expr.otherwise !== undefined) emitCopyInto(g, expr.otherwise, slot, depth);
    else {
      // No WHEN holds and there is no ELSE: NULL (an empty value with its NULL byte set).
      emitConstantInto(g, slot, new Uint8Array(0));
      e.storeImm('B', REG.state, slot.nullFlag as number, 1);
    }
    e.bind(done);
  } else throw unsupported(g, `the string ${describe(expr)}`, 'at' in expr ? expr.at : undefined);
  return slot;
}

/** emitCopyInto fills `slot` with a CASE branch's string: a constant directly, else its slot copied word by word, zero-padded. */
function emitCopyInto(g: Gen, expr: ValueExpr, slot: StringColumnSlot, depth: number): void {
  const { e } = g;
  if (expr.kind === 'constant') return emitConstantInto(g, slot, expr.value.kind === 'string' ? expr.value.bytes : new Uint8Array(0));
  const source = emitStringValue(g, expr, depth);
  if (expr.kind === 'column') emitCapturedInFull(g, source.offset, source.codec.width);
  const copied = roundUp8(source.codec.width);
  emitNullByte(g, source, slot);
  e.load('DW', R0, REG.state, source.offset);
  e.store('DW', REG.state, slot.offset, R0);
  for (let at = 0; at < roundUp8(slot.codec.width); at += 8) {
    if (at >= copied) {
      e.storeImm('DW', REG.state, slot.bytes + at, 0);
      continue;
    }
    e.load('DW', R0, REG.state, source.bytes + at);
    e.store('DW', REG.state, slot.bytes + at, R0);
  }
}

/** emitNullByte copies the NULL byte of `source` (0 if it has none) into that of `slot`. */
function emitNullByte(g: Gen, source: StringColumnSlot, slot: StringColumnSlot): void {
  if (slot.nullFlag === undefined) return;
  if (source.nullFlag === undefined) {
    g.e.storeImm('B', REG.state, slot.nullFlag, 0);
    return;
  }
  g.e.load('B', R0, REG.state, source.nullFlag);
  g.e.store('B', REG.state, slot.nullFlag, R0);
}

/** emitConstantInto stores a constant string (length and zero-padded words, not NULL) in `slot`. */
function emitConstantInto(g: Gen, slot: StringColumnSlot, bytes: Uint8Array): void {
  const { e } = g;
  if (slot.nullFlag !== undefined) e.storeImm('B', REG.state, slot.nullFlag, 0);
  e.storeImm('DW', REG.state, slot.offset, bytes.length);
  for (let at = 0; at < roundUp8(slot.codec.width); at += 8) {
    let word = 0n;
    for (let i = Math.min(8, bytes.length - at) - 1; i >= 0; i--) word = (word << 8n) | BigInt(bytes[at + i] as number);
    e.constant(R0, BigInt.asIntN(64, word));
    e.store('DW', REG.state, slot.bytes + at, R0);
  }
}

/**
 * emitSubstring fills `slot` with SUBSTRING(column, start, count): walk past the characters before it (each
 * step one byte and up to three continuation bytes, without branches; bytes past the length are zero), walk on
 * to its end, then copy byte by byte, masking off the bytes past its length. Positions never exceed the
 * column's width; the verifiers see them masked with walkMask (the state value is that large: planLayout).
 */
function emitSubstring(g: Gen, expr: Extract<ValueExpr, { kind: 'substring' }>, slot: StringColumnSlot): void {
  const { e } = g;
  const source = emitStringValue(g, expr.operand, 0);
  const width = source.codec.width;
  emitCapturedInFull(g, source.offset, width);
  const [skip, end] = substringCharacters(expr.start, expr.count);
  const mask = walkMask(width);
  e.load('DW', R1, REG.state, source.offset);
  e.movImm(R2, 0);
  for (let i = 0; i < Math.min(skip, width); i++) emitNextCharacter(g, source, mask);
  e.movReg(R4, R2);
  // Past `width` characters the walk is at the length already.
  if (end === undefined) e.movReg(R2, R1);
  else for (let i = skip; i < Math.min(end, width); i++) emitNextCharacter(g, source, mask);
  e.aluReg('SUB', R2, R4);
  e.store('DW', REG.state, slot.offset, R2);
  for (let j = 0; j < slot.codec.width; j++) {
    e.movReg(R3, R4);
    e.aluImm('ADD', R3, j);
    e.aluImm('AND', R3, mask);
    e.aluReg('ADD', R3, REG.state);
    e.load('B', R0, R3, source.bytes);
    // r5 = all ones while j < length (j - length is negative), else 0.
    e.movImm(R5, j);
    e.aluReg('SUB', R5, R2);
    e.aluImm('ARSH', R5, 63);
    e.aluReg('AND', R0, R5);
    e.store('B', REG.state, slot.bytes + j, R0);
  }
}

/** emitNextCharacter moves r2 past the character there when r2 is before the length in r1 (else leaves it). Uses r0, r3, r5. */
function emitNextCharacter(g: Gen, source: StringColumnSlot, mask: number): void {
  const { e } = g;
  e.movReg(R5, R2);
  e.aluReg('SUB', R5, R1);
  e.aluImm('RSH', R5, 63);
  e.aluReg('ADD', R2, R5);
  e.movReg(R3, R2);
  e.aluImm('AND', R3, mask);
  e.aluReg('ADD', R3, REG.state);
  emitContinuationRun(g, source.bytes);
}

function roundUp8(n: number): number {
  return (n + 7) & ~7;
}

