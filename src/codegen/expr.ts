// Row expressions in integer arithmetic: values into r0 (with overflow checks where bounds demand), predicates as jumps.
import { R0, R1, R2, R3, R4 } from '../asm/builder.js';
import type { QueryError, SourcePosition } from '../sql/errors.js';
import type { ColumnRef, CompareOp, Constant, Expr, ValueExpr } from '../sql/plan.js';
import { civilFromDays, formatDateDays } from '../values/calendar.js';
import { formatDecimalUnits } from '../values/decimal.js';
import { isString, scaleOf } from '../values/types.js';
import type { Cond, Label } from './emitter.js';
import { REG, emitFatal, unsupported, type Gen } from './context.js';
import { FatalCode, isPackedComparison, slotOf } from './layout.js';
import { emitStringTest, isStringExpr } from './strings.js';
import { emitLookup } from './probe.js';
import { emitCase, emitExtract } from './case.js';
import { emitShift } from './date-shift.js';
import { emitRoundDown } from './round.js';
import { emitNullCheck, emitStringNullCheck } from './nulls.js';
import { alwaysJumps } from '../sql/jump-outcome.js';

/** FIELD_BITS bounds a decoded number: at most 18 digits, so |v| < 10^18 < 2^60. */
const FIELD_BITS = 60;
/** DATE_BITS bounds a date in days (years 0000..9999). */
const DATE_BITS = 32;
const INT64_MAX = (1n << 63n) - 1n;

/** constantValue returns a numeric or date constant as a bigint. */
export function constantValue(g: Gen, c: Constant): bigint {
  if (c.kind === 'number') return c.units;
  if (c.kind === 'date') return c.days;
  throw unsupported(g, 'a string constant in arithmetic', undefined);
}

/**
 * emitValue computes a numeric or date expression into r0 and returns a bound on its magnitude
 * in bits (|value| < 2^bits). Uses r1..r5 and the state temps from `depth` up; keeps r6..r9.
 * Where the value is NULL (a NULL column, a CASE without ELSE, arithmetic over them) it jumps to `onNull`.
 */
export function emitValue(g: Gen, expr: ValueExpr, depth = 0, onNull?: Label): number {
  const { e, layout } = g;
  switch (expr.kind) {
    case 'column': {
      const slot = slotOf(layout, expr.column);
      if (slot === undefined || slot.codec.kind === 'string') throw unsupported(g, `string column ${expr.name} as a number`, undefined);
      emitNullCheck(g, expr.column, expr.name, onNull);
      e.load('DW', R0, REG.state, slot.offset);
      // A build value may be computed on the build side (any signed 64-bit value); a decoded field has at most 18 digits.
      return slot.codec.kind === 'date' ? DATE_BITS : slot.kind === 0 ? 63 : FIELD_BITS;
    }
    case 'constant': {
      const v = constantValue(g, expr.value);
      e.constant(R0, v);
      return bitLength(v);
    }
    case 'rescale': {
      const bits = emitValue(g, expr.operand, depth, onNull);
      if (expr.digits <= 0) {
        if (expr.digits < 0) emitRoundDown(g, 10n ** BigInt(-expr.digits));
        return bits;
      }
      const factor = 10n ** BigInt(expr.digits);
      const total = bits + bitLength(factor);
      if (total > 63) emitMulConstCheck(g, factor);
      e.constant(R1, factor);
      e.aluReg('MUL', R0, R1);
      return Math.min(total, 63);
    }
    case 'arith': {
      if (depth >= layout.tempCount) throw tooDeep(g, expr.at);
      const temp = layout.temps + depth * 8;
      const leftBits = emitValue(g, expr.left, depth, onNull);
      e.store('DW', REG.state, temp, R0);
      const rightBits = emitValue(g, expr.right, depth + 1, onNull);
      e.movReg(R1, R0);
      e.load('DW', R0, REG.state, temp);
      return emitArith(g, expr.op, leftBits, rightBits);
    }
    case 'case':
      return emitCase(g, expr, depth, onNull);
    case 'extract':
      emitNullCheck(g, expr.operand.column, expr.operand.name, onNull);
      return emitExtract(g, expr);
    case 'shift':
      return emitShift(g, expr, depth, onNull);
    case 'substring':
      throw unsupported(g, `the string ${expr.name} as a number`, expr.at);
  }
}

/** emitArith computes r0 = r0 op r1, checking for signed 64-bit overflow when the bounds allow it. */
function emitArith(g: Gen, op: '+' | '-' | '*', leftBits: number, rightBits: number): number {
  const { e } = g;
  if (op === '*') {
    const bits = leftBits + rightBits;
    if (bits > 63) emitMulCheck(g);
    e.aluReg('MUL', R0, R1);
    return Math.min(bits, 63);
  }
  const bits = Math.max(leftBits, rightBits) + 1;
  if (bits <= 63) {
    e.aluReg(op === '+' ? 'ADD' : 'SUB', R0, R1);
    return bits;
  }
  // Signed overflow iff the operands' signs allow it and the result's sign is wrong:
  // add: (a ^ r) & (b ^ r) < 0; sub: (a ^ b) & (a ^ r) < 0.
  const ok = e.label('no_overflow');
  e.movReg(R2, R0);
  e.aluReg(op === '+' ? 'ADD' : 'SUB', R0, R1);
  e.movReg(R3, R2);
  e.aluReg('XOR', R3, R0);
  e.movReg(R4, op === '+' ? R1 : R2);
  e.aluReg('XOR', R4, op === '+' ? R0 : R1);
  e.aluReg('AND', R3, R4);
  e.jumpImm('JSGE', R3, 0, ok);
  emitFatal(g, FatalCode.overflow);
  e.bind(ok);
  return 63;
}

/** emitMulCheck stops with an overflow unless r0 * r1 fits a signed 64-bit word. Clobbers r2..r4. */
function emitMulCheck(g: Gen): void {
  const { e } = g;
  const ok = e.label('product_fits');
  const absLeft = e.label('abs_left');
  const absRight = e.label('abs_right');
  e.movReg(R2, R0);
  e.jumpImm('JSGE', R2, 0, absLeft);
  e.neg(R2);
  e.bind(absLeft);
  e.movReg(R3, R1);
  e.jumpImm('JSGE', R3, 0, absRight);
  e.neg(R3);
  e.bind(absRight);
  // Both below 2^31: the product is below 2^62 (the common case, one test).
  e.movReg(R4, R2);
  e.aluReg('OR', R4, R3);
  e.aluImm('RSH', R4, 31);
  e.jumpImm('JEQ', R4, 0, ok);
  e.jumpImm('JEQ', R3, 0, ok);
  e.constant(R4, INT64_MAX);
  e.aluReg('DIV', R4, R3);
  e.jumpReg('JLE', R2, R4, ok);
  emitFatal(g, FatalCode.overflow);
  e.bind(ok);
}

/** emitMulConstCheck stops with an overflow unless r0 * factor fits a signed 64-bit word. Clobbers r2, r3. */
function emitMulConstCheck(g: Gen, factor: bigint): void {
  const { e } = g;
  const ok = e.label('rescale_fits');
  const abs = e.label('abs');
  e.movReg(R2, R0);
  e.jumpImm('JSGE', R2, 0, abs);
  e.neg(R2);
  e.bind(abs);
  e.constant(R3, INT64_MAX / factor);
  e.jumpReg('JLE', R2, R3, ok);
  emitFatal(g, FatalCode.overflow);
  e.bind(ok);
}

const SIGNED_COND: Record<CompareOp, Cond> = { '=': 'JEQ', '<>': 'JNE', '<': 'JSLT', '<=': 'JSLE', '>': 'JSGT', '>=': 'JSGE' };
const NEGATED: Record<CompareOp, CompareOp> = { '=': '<>', '<>': '=', '<': '>=', '<=': '>', '>': '<=', '>=': '<' };

/**
 * emitJump jumps to `target` when the predicate's truth equals `when`, and, when `unknownJumps` is set,
 * also when it is unknown (SQL's three-valued logic: a comparison with a NULL operand is unknown);
 * otherwise it falls through. A filter or a CASE's WHEN jumps away unless true: `when` false with
 * `unknownJumps`. The code is emitted on behalf of the predicate's SQL construct, so that a limit it hits names it.
 */
export function emitJump(g: Gen, expr: Expr, target: Label, when: boolean, depth = 0, unknownJumps = false): void {
  const at = 'at' in expr ? expr.at : undefined;
  const construct = at === undefined ? undefined : { at, what: constructName(expr) };
  g.e.within(construct, () => emitJumpHere(g, expr, target, when, depth, unknownJumps));
}

function constructName(expr: Expr): string {
  if (expr.kind === 'and' || expr.kind === 'or') return `this ${expr.kind.toUpperCase()} of ${expr.operands.length} conditions`;
  if (expr.kind === 'in') return `this IN list of ${expr.values.length} values`;
  if (expr.kind === 'like') return 'this LIKE';
  if (expr.kind === 'isnull') return 'this IS NULL';
  return 'this comparison';
}

function emitJumpHere(g: Gen, expr: Expr, target: Label, when: boolean, depth: number, unknownJumps: boolean): void {
  const { e } = g;
  switch (expr.kind) {
    case 'not':
      emitJump(g, expr.operand, target, !when, depth, unknownJumps);
      return;
    case 'and':
    case 'or': {
      // and: any false operand decides false; or: any true operand decides true. Unknown decides nothing:
      // an operand that does not decide is tested for "not decisive" with the opposite treatment of unknown.
      // An operand that always jumps ends the list: the operands after it could never run (jump-outcome.ts).
      const decisive = expr.kind === 'or';
      if (when === decisive) {
        for (const operand of expr.operands) {
          emitJump(g, operand, target, when, depth, unknownJumps);
          if (alwaysJumps(operand, when, unknownJumps)) return;
        }
        return;
      }
      const skip = e.label(`${expr.kind}_decided`);
      const operands = expr.operands;
      for (const [i, operand] of operands.entries()) {
        if (i === operands.length - 1) emitJump(g, operand, target, when, depth, unknownJumps);
        else {
          emitJump(g, operand, skip, decisive, depth, !unknownJumps);
          if (alwaysJumps(operand, decisive, !unknownJumps)) break;
        }
      }
      e.bind(skip);
      return;
    }
    case 'lookup':
      // Lookups are operands of the filter's top-level AND, whose code jumps away when an operand is false.
      if (when) throw unsupported(g, 'a join lookup inside OR or NOT', undefined);
      emitNullCheck(g, expr.key.column, expr.key.name, target); // a NULL key finds no partner
      emitLookup(g, expr, target);
      return;
    case 'truth':
      // Only a whole filter is ever a truth (see plan.ts); emitRow handles one decided false.
      if (expr.value === when) e.goto(target);
      return;
    case 'isnull': {
      // Never unknown: NULL jumps when testing for true, a value when testing for false.
      const isNull = when ? target : e.label('is_null');
      emitNullness(g, expr.operand, depth, isNull);
      if (!when) {
        e.goto(target);
        e.bind(isNull);
      }
      return;
    }
    default: {
      const unknown = unknownJumps ? target : e.label('unknown');
      emitLeaf(g, expr, target, when, depth, unknown);
      if (!unknownJumps) e.bind(unknown);
    }
  }
}

/** emitNullness computes a value's NULL-ness only: jumps to `onNull` where it is NULL (a string reads its NULL byte, any other value is computed). */
function emitNullness(g: Gen, operand: ValueExpr, depth: number, onNull: Label): void {
  if (isString(operand.type)) emitStringNullCheck(g, operand, onNull, depth);
  else emitValue(g, operand, depth, onNull);
}

/** emitLeaf emits a comparison, IN, LIKE or decided condition: jumps to `target` when its truth is `when`, to `unknown` where an operand is NULL. */
function emitLeaf(g: Gen, expr: Expr, target: Label, when: boolean, depth: number, unknown: Label): void {
  const { e } = g;
  switch (expr.kind) {
    case 'unlessnull':
      emitNullness(g, expr.operand, depth, unknown);
      if (expr.value === when) e.goto(target);
      return;
    case 'compare': {
      if (isStringExpr(expr.left) || isStringExpr(expr.right)) {
        emitStringTest(g, expr, target, when, depth, unknown);
        return;
      }
      const op = when ? expr.op : NEGATED[expr.op];
      const right = expr.right;
      const packed = isPackedComparison(expr) ? g.layout.columns.find((c) => c.column === (expr.left as ColumnRef).column)?.packed : undefined;
      if (packed !== undefined && right.kind === 'constant' && right.value.kind === 'date') {
        // Dates as YYYYMMDD numbers are ordered as the dates are, so the row need not be converted to days.
        const left = expr.left as ColumnRef;
        emitNullCheck(g, left.column, left.name, unknown);
        const { year, month, day } = civilFromDays(Number(right.value.days));
        const number = (year * 100 + month) * 100 + day;
        e.load('DW', R0, REG.state, packed);
        if (number >= -(2 ** 31) && number < 2 ** 31) e.jumpImm(SIGNED_COND[op], R0, number, target);
        else {
          e.constant(R1, BigInt(number));
          e.jumpReg(SIGNED_COND[op], R0, R1, target);
        }
        return;
      }
      if (right.kind === 'constant') {
        const v = constantValue(g, right.value);
        emitValue(g, expr.left as ValueExpr, depth, unknown);
        if (v >= -(1n << 31n) && v < 1n << 31n) e.jumpImm(SIGNED_COND[op], R0, Number(v), target);
        else {
          e.constant(R1, v);
          e.jumpReg(SIGNED_COND[op], R0, R1, target);
        }
        return;
      }
      if (depth >= g.layout.tempCount) throw tooDeep(g, expr.at);
      const temp = g.layout.temps + depth * 8;
      emitValue(g, expr.left as ValueExpr, depth, unknown);
      e.store('DW', REG.state, temp, R0);
      emitValue(g, right as ValueExpr, depth + 1, unknown);
      e.load('DW', R1, REG.state, temp);
      e.jumpReg(SIGNED_COND[op], R1, R0, target);
      return;
    }
    case 'in': {
      if (isStringExpr(expr.operand)) {
        emitStringTest(g, expr, target, when, depth, unknown);
        return;
      }
      emitValue(g, expr.operand as ValueExpr, depth, unknown);
      const hit = when ? target : e.label('in_hit');
      for (const c of expr.values) {
        const v = constantValue(g, c);
        e.constant(R1, v);
        e.jumpReg('JEQ', R0, R1, hit);
      }
      if (!when) {
        e.goto(target);
        e.bind(hit);
      }
      return;
    }
    case 'like':
      emitStringTest(g, expr, target, when, depth, unknown);
      return;
    default:
      throw unsupported(g, `a ${expr.kind} expression as a condition`, undefined);
  }
}

/** tooDeep refuses an expression that needs more temporaries than the state map holds. */
function tooDeep(g: Gen, at: SourcePosition | undefined): QueryError {
  return unsupported(g, `an expression whose right-hand operands nest more than ${g.layout.tempCount} deep here; add parentheses on the left instead, e.g. (a + b) + c`, at);
}

/** describe renders an expression as short SQL-like text for comments beside the disassembly. */
export function describe(expr: Expr): string {
  switch (expr.kind) {
    case 'column':
      return expr.name;
    case 'constant':
      return describeConstant(expr.value);
    case 'rescale':
      return describe(expr.operand);
    case 'extract':
      return `extract(${expr.field} from ${expr.operand.name})`;
    case 'substring':
      return expr.name;
    case 'shift':
      return `${describe(expr.operand)} + ${expr.amount} ${expr.unit}s`;
    case 'case':
      return `case${expr.whens.map((branch) => ` when ${describe(branch.when)} then ${describe(branch.then)}`).join('')}${expr.otherwise === undefined ? '' : ` else ${describe(expr.otherwise)}`} end`;
    case 'arith':
      return `(${describe(expr.left)} ${expr.op} ${describe(expr.right)})`;
    case 'compare':
      return `${describe(expr.left)} ${expr.op} ${describe(expr.right)}`;
    case 'in':
      return `${describe(expr.operand)} in (${expr.values.map(describeConstant).join(', ')})`;
    case 'like':
      return `${describe(expr.operand)} like '${expr.pattern}'`;
    case 'and':
    case 'or':
      return expr.operands.map(describe).join(` ${expr.kind} `);
    case 'not':
      return `not (${describe(expr.operand)})`;
    case 'truth':
      return expr.value ? 'true' : 'false';
    case 'isnull':
      return `${describe(expr.operand)} is null`;
    case 'unlessnull':
      return `${expr.value ? 'true' : 'false'} unless ${describe(expr.operand)} is null`;
    case 'lookup':
      return `${expr.key.name} found in build map #${expr.build}`;
  }
}

function describeConstant(c: Constant): string {
  if (c.kind === 'string') return `'${c.text}'`;
  if (c.kind === 'date') return `date '${formatDateDays(Number(c.days))}'`;
  return formatDecimalUnits(c.units, scaleOf(c.type));
}

function bitLength(v: bigint): number {
  return (v < 0n ? -v : v).toString(2).length;
}
