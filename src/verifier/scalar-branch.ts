// Scalar branch refinement: deciding a conditional jump on scalars and narrowing both operands on each way.
// Invariants: relies on scalar.ts's Scalar (immutable, sound bounds + tnum, built only through make);
// branchTaken answers 1 or 0 only when every value pair agrees, and refine returns undefined only when no value pair
// can take that way, so a pruned path is really unreachable.
import { JmpOp } from '../asm/opcodes.js';
import { asS, fitsU32, isConst, lower32, make, max, min, S64_MAX, S64_MIN, type Scalar } from './scalar.js';
import { tnumIntersect, U64 } from './tnum.js';
import { MISS, recall, remember } from './memo.js';

/** Comparison is a conditional jump operation, decided or refined on scalars. */
const NEGATE: Record<number, number> = {
  [JmpOp.JEQ]: JmpOp.JNE,
  [JmpOp.JNE]: JmpOp.JEQ,
  [JmpOp.JGT]: JmpOp.JLE,
  [JmpOp.JLE]: JmpOp.JGT,
  [JmpOp.JGE]: JmpOp.JLT,
  [JmpOp.JLT]: JmpOp.JGE,
  [JmpOp.JSGT]: JmpOp.JSLE,
  [JmpOp.JSLE]: JmpOp.JSGT,
  [JmpOp.JSGE]: JmpOp.JSLT,
  [JmpOp.JSLT]: JmpOp.JSGE,
};

/** negateJump is the operation that holds exactly when `op` does not (JSET has none: undefined). */
export function negateJump(op: number): number | undefined {
  return NEGATE[op];
}

/** swapJump is the operation with its operands exchanged (a < b is b > a). */
export function swapJump(op: number): number {
  switch (op) {
    case JmpOp.JGT:
      return JmpOp.JLT;
    case JmpOp.JLT:
      return JmpOp.JGT;
    case JmpOp.JGE:
      return JmpOp.JLE;
    case JmpOp.JLE:
      return JmpOp.JGE;
    case JmpOp.JSGT:
      return JmpOp.JSLT;
    case JmpOp.JSLT:
      return JmpOp.JSGT;
    case JmpOp.JSGE:
      return JmpOp.JSLE;
    case JmpOp.JSLE:
      return JmpOp.JSGE;
    default:
      return op;
  }
}

const SIGNED = new Set<number>([JmpOp.JSGT, JmpOp.JSGE, JmpOp.JSLT, JmpOp.JSLE]);

/**
 * branchTaken decides `a op b`: 1 if it holds for every value, 0 if for none, -1 if it depends.
 * For 32-bit jumps it compares the low halves.
 */
export function branchTaken(op: number, a: Scalar, b: Scalar, is64: boolean): -1 | 0 | 1 {
  if (!is64) {
    const la = lower32(a);
    const lb = lower32(b);
    if (SIGNED.has(op)) {
      if (isConst(la) && isConst(lb)) return cmpConst(op, BigInt.asIntN(32, la.umin), BigInt.asIntN(32, lb.umin)) ? 1 : 0;
      if (la.umax >= 1n << 31n || lb.umax >= 1n << 31n) return -1;
    }
    return decide(op, la, lb);
  }
  return decide(op, a, b);
}

function cmpConst(op: number, x: bigint, y: bigint): boolean {
  switch (op) {
    case JmpOp.JEQ:
      return x === y;
    case JmpOp.JNE:
      return x !== y;
    case JmpOp.JGT:
    case JmpOp.JSGT:
      return x > y;
    case JmpOp.JGE:
    case JmpOp.JSGE:
      return x >= y;
    case JmpOp.JLT:
    case JmpOp.JSLT:
      return x < y;
    case JmpOp.JLE:
    case JmpOp.JSLE:
      return x <= y;
    default:
      return (x & y) !== 0n;
  }
}

function decide(op: number, a: Scalar, b: Scalar): -1 | 0 | 1 {
  switch (op) {
    case JmpOp.JEQ:
    case JmpOp.JNE: {
      let eq: -1 | 0 | 1 = -1;
      if (isConst(a) && isConst(b)) eq = a.umin === b.umin ? 1 : 0;
      else if (a.umin > b.umax || a.umax < b.umin || a.smin > b.smax || a.smax < b.smin) eq = 0;
      else if ((a.tnum.value ^ b.tnum.value) & ~a.tnum.mask & ~b.tnum.mask & U64) eq = 0;
      if (eq === -1) return -1;
      return op === JmpOp.JEQ ? eq : eq === 1 ? 0 : 1;
    }
    case JmpOp.JSET:
      if (a.tnum.value & b.tnum.value) return 1;
      if (((a.tnum.value | a.tnum.mask) & (b.tnum.value | b.tnum.mask)) === 0n) return 0;
      return -1;
    case JmpOp.JGT:
      return a.umin > b.umax ? 1 : a.umax <= b.umin ? 0 : -1;
    case JmpOp.JGE:
      return a.umin >= b.umax ? 1 : a.umax < b.umin ? 0 : -1;
    case JmpOp.JLT:
      return a.umax < b.umin ? 1 : a.umin >= b.umax ? 0 : -1;
    case JmpOp.JLE:
      return a.umax <= b.umin ? 1 : a.umin > b.umax ? 0 : -1;
    case JmpOp.JSGT:
      return a.smin > b.smax ? 1 : a.smax <= b.smin ? 0 : -1;
    case JmpOp.JSGE:
      return a.smin >= b.smax ? 1 : a.smax < b.smin ? 0 : -1;
    case JmpOp.JSLT:
      return a.smax < b.smin ? 1 : a.smin >= b.smax ? 0 : -1;
    default:
      return a.smax <= b.smin ? 1 : a.smin > b.smax ? 0 : -1;
  }
}

/**
 * refine narrows a and b to the values for which `a op b` holds (use negateJump for the other
 * branch; for JSET pass `holds` = false to get a & b == 0). Returns undefined if none do.
 * 32-bit jumps refine only when both operands are known to fit in 32 bits.
 */
export function refine(op: number, a: Scalar, b: Scalar, is64: boolean, holds = true): readonly [Scalar, Scalar] | undefined {
  // Negative keys: aluScalar's are not.
  const key = -1 - (op + 256 * ((is64 ? 1 : 0) + 2 * (holds ? 1 : 0)));
  const known = recall(a, key, b);
  if (known !== MISS) return known as readonly [Scalar, Scalar] | undefined;
  return remember(a, key, b, computeRefine(op, a, b, is64, holds));
}

function computeRefine(op: number, a: Scalar, b: Scalar, is64: boolean, holds: boolean): readonly [Scalar, Scalar] | undefined {
  if (!is64) {
    const signedOk = !SIGNED.has(op) || (a.umax < 1n << 31n && b.umax < 1n << 31n);
    if (!fitsU32(a) || !fitsU32(b) || !signedOk) return [a, b];
  }
  switch (op) {
    case JmpOp.JEQ: {
      if ((a.tnum.value ^ b.tnum.value) & ~a.tnum.mask & ~b.tnum.mask & U64) return undefined;
      const t = tnumIntersect(a.tnum, b.tnum);
      const r = make(max(a.umin, b.umin), min(a.umax, b.umax), max(a.smin, b.smin), min(a.smax, b.smax), t);
      return r ? [r, r] : undefined;
    }
    case JmpOp.JNE:
      return pair(notEqual(a, b), notEqual(b, a));
    case JmpOp.JSET:
      return holds ? jsetTrue(a, b) : jsetFalse(a, b);
    case JmpOp.JGT:
      return pair(bound(a, b.umin + 1n, U64, S64_MIN, S64_MAX), bound(b, 0n, a.umax - 1n, S64_MIN, S64_MAX));
    case JmpOp.JGE:
      return pair(bound(a, b.umin, U64, S64_MIN, S64_MAX), bound(b, 0n, a.umax, S64_MIN, S64_MAX));
    case JmpOp.JSGT:
      return pair(bound(a, 0n, U64, b.smin + 1n, S64_MAX), bound(b, 0n, U64, S64_MIN, a.smax - 1n));
    case JmpOp.JSGE:
      return pair(bound(a, 0n, U64, b.smin, S64_MAX), bound(b, 0n, U64, S64_MIN, a.smax));
    default: {
      const swapped = refine(swapJump(op), b, a, true, holds);
      return swapped ? [swapped[1], swapped[0]] : undefined;
    }
  }
}

function pair(a: Scalar | undefined, b: Scalar | undefined): [Scalar, Scalar] | undefined {
  return a && b ? [a, b] : undefined;
}

function bound(s: Scalar, umin: bigint, umax: bigint, smin: bigint, smax: bigint): Scalar | undefined {
  if (umin > U64 || umax < 0n || smin > S64_MAX || smax < S64_MIN) return undefined;
  return make(max(s.umin, umin), min(s.umax, umax), max(s.smin, smin), min(s.smax, smax), s.tnum);
}

function notEqual(a: Scalar, b: Scalar): Scalar | undefined {
  if (!isConst(b)) return a;
  const v = b.umin;
  if (isConst(a)) return a.umin === v ? undefined : a;
  let { umin, umax, smin, smax } = a;
  if (umin === v) umin++;
  if (umax === v) umax--;
  if (smin === asS(v)) smin++;
  if (smax === asS(v)) smax--;
  return make(umin, umax, smin, smax, a.tnum);
}

function jsetTrue(a: Scalar, b: Scalar): [Scalar, Scalar] | undefined {
  if (isConst(b) && (b.umin & (b.umin - 1n)) === 0n && b.umin !== 0n) {
    const r = make(a.umin, a.umax, a.smin, a.smax, tnumIntersect(a.tnum, { value: b.umin, mask: U64 & ~b.umin }));
    return r ? [r, b] : undefined;
  }
  return [a, b];
}

function jsetFalse(a: Scalar, b: Scalar): [Scalar, Scalar] | undefined {
  if (!isConst(b)) return [a, b];
  const keep = U64 & ~b.umin;
  const r = make(a.umin, a.umax, a.smin, a.smax, { value: a.tnum.value & keep, mask: a.tnum.mask & keep });
  return r ? [r, b] : undefined;
}
