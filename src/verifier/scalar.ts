// Abstract scalar values: unsigned and signed 64-bit ranges plus known bits, and the arithmetic on them.
import { AluOp, JmpOp } from '../asm/opcodes.js';
import {
  TNUM_UNKNOWN,
  U32,
  bitLength,
  U64,
  tnumAdd,
  tnumAnd,
  tnumConst,
  tnumIntersect,
  tnumOr,
  tnumRange,
  tnumSar,
  tnumShl,
  tnumShr,
  tnumSub,
  tnumText,
  tnumTrunc,
  tnumXor,
  type Tnum,
} from './tnum.js';

/** Scalar is the set of 64-bit values a register may hold; all bounds are inclusive. Immutable. */
export interface Scalar {
  readonly umin: bigint;
  readonly umax: bigint;
  readonly smin: bigint;
  readonly smax: bigint;
  readonly tnum: Tnum;
}

const S64_MIN = -(1n << 63n);
const S64_MAX = (1n << 63n) - 1n;
const SIGN = 1n << 63n;
const LOW63 = SIGN - 1n;

const asS = (v: bigint): bigint => BigInt.asIntN(64, v);
const asU = (v: bigint): bigint => BigInt.asUintN(64, v);
const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/** SCALAR_UNKNOWN is any 64-bit value. */
export const SCALAR_UNKNOWN: Scalar = { umin: 0n, umax: U64, smin: S64_MIN, smax: S64_MAX, tnum: TNUM_UNKNOWN };
/** SCALAR_U32 is any value of a zero-extended 32-bit result. */
export const SCALAR_U32: Scalar = { umin: 0n, umax: U32, smin: 0n, smax: U32, tnum: { value: 0n, mask: U32 } };

const constCache = new Map<bigint, Scalar>();
/** smallConsts holds the constants 0..SMALL_CONSTS-1 by index: no BigInt hashing for the commonest values. */
const SMALL_CONSTS = 4096;
const SMALL_LIMIT = BigInt(SMALL_CONSTS);
const smallConsts: (Scalar | undefined)[] = new Array<Scalar | undefined>(SMALL_CONSTS).fill(undefined);

/** scalarConst is exactly the value v (taken mod 2^64). */
export function scalarConst(v: bigint): Scalar {
  if (v >= 0n && v < SMALL_LIMIT) {
    const i = Number(v);
    return (smallConsts[i] ??= { umin: v, umax: v, smin: v, smax: v, tnum: tnumConst(v) });
  }
  const u = asU(v);
  let s = constCache.get(u);
  if (!s) {
    s = { umin: u, umax: u, smin: asS(u), smax: asS(u), tnum: tnumConst(u) };
    if (constCache.size < 4096) constCache.set(u, s);
  }
  return s;
}

/** scalarRange is any value in [lo, hi] (unsigned). */
export function scalarRange(lo: bigint, hi: bigint): Scalar {
  return make(lo, hi, S64_MIN, S64_MAX, TNUM_UNKNOWN) ?? SCALAR_UNKNOWN;
}

/** isConst says whether the scalar is one known value. */
export function isConst(s: Scalar): boolean {
  return s.tnum.mask === 0n;
}

/**
 * make builds a scalar from bounds that may disagree, tightening each from the others as
 * Linux's reg_bounds_sync does; it returns undefined when no value satisfies them all.
 * Once the tnum keeps every value below 2^32 (packet offsets, bytes, 32-bit results: most of a
 * walk) the rest is done in plain numbers, with the same result: every BigInt operation
 * allocates, and this function was a third of the verifier's allocations.
 */
export function make(umin: bigint, umax: bigint, smin: bigint, smax: bigint, t: Tnum): Scalar | undefined {
  if (t.mask === 0n) {
    const v = t.value;
    if (v < umin || v > umax) return undefined;
    const sv = v >= 0n && v <= S64_MAX ? v : asS(v);
    return sv >= smin && sv <= smax ? scalarConst(v) : undefined;
  }
  for (let round = 0; round < 2; round++) {
    const top = t.value | t.mask;
    if (top <= U32) {
      // Every value the tnum allows is in [t.value, top] and non-negative, in both orders.
      umin = max(umin, t.value);
      umax = min(umax, top);
      smin = max(smin, t.value);
      smax = min(smax, top);
      if (umin > umax || smin > smax) return undefined;
      return syncSmall(Number(umin), Number(umax), Number(smin), Number(smax), Number(t.value), Number(t.mask), 2 - round);
    }
    const umin0 = umin;
    const umax0 = umax;
    const smin0 = smin;
    const smax0 = smax;
    const t0 = t;
    umin = max(umin, t.value);
    umax = min(umax, top);
    // The smallest signed value sets the sign bit if it may be set; the largest clears it.
    const signUnknown = t.mask >= SIGN;
    smin = max(smin, signUnknown ? asS(t.value | SIGN) : asS(t.value));
    smax = min(smax, signUnknown ? top & LOW63 : asS(top));
    if (smin >= 0n || smax < 0n) {
      umin = max(umin, asU(smin));
      umax = min(umax, asU(smax));
    }
    const sUmin = umin <= S64_MAX ? umin : asS(umin);
    const sUmax = umax <= S64_MAX ? umax : asS(umax);
    if (umin <= umax && sUmin <= sUmax) {
      smin = max(smin, sUmin);
      smax = min(smax, sUmax);
    }
    if (umin > umax || smin > smax) return undefined;
    if (umin === umax) return scalarConst(umin);
    t = tnumIntersect(t, tnumRange(umin, umax));
    // A round that changed nothing would only repeat itself (wide signed ranges often arrive settled).
    if (umin === umin0 && umax === umax0 && smin === smin0 && smax === smax0 && t.value === t0.value && t.mask === t0.mask) break;
  }
  return { umin, umax, smin, smax, tnum: t };
}

/**
 * syncSmall finishes make's remaining `rounds` for bounds in [0, 2^32) under a tnum below 2^32
 * that the first of them has already applied.
 */
function syncSmall(umin: number, umax: number, smin: number, smax: number, value: number, mask: number, rounds: number): Scalar | undefined {
  for (let round = 0; round < rounds; round++) {
    if (round > 0) {
      const top = (value | mask) >>> 0;
      umin = Math.max(umin, value);
      umax = Math.min(umax, top);
      smin = Math.max(smin, value);
      smax = Math.min(smax, top);
    }
    // smin >= 0 here, so the signed bounds bound the unsigned ones and then the reverse.
    umin = Math.max(umin, smin);
    umax = Math.min(umax, smax);
    if (umin <= umax) {
      smin = Math.max(smin, umin);
      smax = Math.min(smax, umax);
    }
    if (umin > umax || smin > smax) return undefined;
    if (umin === umax) return scalarConst(BigInt(umin));
    const spread = 2 ** (32 - Math.clz32((umin ^ umax) >>> 0)) - 1;
    const known = (value | (umin & ~spread)) >>> 0;
    mask = (mask & spread) >>> 0;
    value = (known & ~mask) >>> 0;
  }
  return { umin: BigInt(umin), umax: BigInt(umax), smin: BigInt(smin), smax: BigInt(smax), tnum: { value: BigInt(value), mask: BigInt(mask) } };
}

function fromTnum(t: Tnum): Scalar {
  return make(0n, U64, S64_MIN, S64_MAX, t) ?? SCALAR_UNKNOWN;
}

/** lower32 is the scalar of the low 32 bits of s (zero-extended). */
export function lower32(s: Scalar): Scalar {
  if (s.umax <= U32) return s;
  if (isConst(s)) return scalarConst(s.umin & U32);
  return fromTnum(tnumTrunc(s.tnum, 32n));
}

/** fitsU32 says whether every value of s is below 2^32 (so 32-bit and 64-bit views agree). */
export function fitsU32(s: Scalar): boolean {
  return s.umax <= U32;
}

/**
 * concrete computes one ALU operation on known values, with eBPF's rules (x/0 = 0, x%0 = x).
 * Byte swaps take their width from `imm`, not from the class: `be64`/`le64` are ALU (32-bit class)
 * instructions that work on all 64 bits, so they see `a` untruncated.
 */
export function concrete(op: number, a: bigint, b: bigint, is64: boolean, offset: number, imm: number): bigint {
  if (op === AluOp.END) return byteSwap(BigInt.asUintN(64, a), imm, is64, offset);
  const bits = is64 ? 64 : 32;
  const mask = is64 ? U64 : U32;
  const s = (v: bigint) => BigInt.asIntN(bits, v);
  a &= mask;
  b &= mask;
  switch (op) {
    case AluOp.ADD:
      return (a + b) & mask;
    case AluOp.SUB:
      return (a - b) & mask;
    case AluOp.MUL:
      return (a * b) & mask;
    case AluOp.DIV:
      if (b === 0n) return 0n;
      return offset === 1 ? BigInt.asUintN(bits, s(a) / s(b)) : a / b;
    case AluOp.MOD:
      if (b === 0n) return a;
      return offset === 1 ? BigInt.asUintN(bits, s(a) % s(b)) : a % b;
    case AluOp.OR:
      return a | b;
    case AluOp.AND:
      return a & b;
    case AluOp.XOR:
      return a ^ b;
    case AluOp.LSH:
      return (a << (b & BigInt(bits - 1))) & mask;
    case AluOp.RSH:
      return a >> (b & BigInt(bits - 1));
    case AluOp.ARSH:
      return BigInt.asUintN(bits, s(a) >> (b & BigInt(bits - 1)));
    case AluOp.NEG:
      return (-a) & mask;
    case AluOp.MOV:
      return offset === 0 ? b : BigInt.asUintN(bits, BigInt.asIntN(offset, b));
    default:
      throw new RangeError(`ALU op 0x${op.toString(16)} has no concrete meaning`);
  }
}

function byteSwap(a: bigint, width: number, unconditional: boolean, toBe: number): bigint {
  const w = BigInt(width);
  const truncated = a & ((1n << w) - 1n);
  if (!unconditional && toBe === 0) return truncated; // to little-endian on a little-endian machine
  let out = 0n;
  for (let i = 0n; i < w; i += 8n) out = (out << 8n) | ((truncated >> i) & 0xffn);
  return out;
}

/**
 * aluScalar is the abstract result of `a op b` for scalars (b is the immediate or the source
 * register). `offset` selects sdiv/smod and movsx; `imm` carries the byte-swap width; `toBe` is
 * the source bit of a 32-bit END.
 */
export function aluScalar(op: number, a: Scalar, b: Scalar, is64: boolean, offset: number, imm: number, toBe: number): Scalar {
  if (untracked(op, b, is64)) return SCALAR_UNKNOWN;
  if (isConst(a) && isConst(b)) return scalarConst(concrete(op, a.umin, b.umin, is64, op === AluOp.END ? toBe : offset, imm));
  if (op === AluOp.END) return swapAbstract(a, imm, is64 || toBe !== 0);
  if (!is64) {
    if (op === AluOp.ARSH || offset !== 0) return arith32Signed(op, lower32(a), lower32(b), offset);
    return truncate32(alu64(op, lower32(a), lower32(b), 32n, offset));
  }
  return alu64(op, a, b, 64n, offset);
}

/**
 * untracked says whether Linux 6.18 gives up on the result's bounds (is_safe_to_compute_dst_reg_range):
 * for div, mod, sdiv and smod always, even of constants, and for shifts unless the amount is a
 * constant below the width. Sluice gives up too, so that it never proves what Linux cannot (a
 * program Linux refuses must not get through). Even a 32-bit result is any 64-bit value: Linux's
 * signed bounds and its 32-bit comparisons do not learn that the upper half is zero (its unsigned
 * 64-bit bounds do, so Sluice refuses a few such programs Linux accepts; never the reverse).
 */
function untracked(op: number, b: Scalar, is64: boolean): boolean {
  if (op === AluOp.DIV || op === AluOp.MOD) return true;
  if (op !== AluOp.LSH && op !== AluOp.RSH && op !== AluOp.ARSH) return false;
  return !isConst(b) || b.umax >= (is64 ? 64n : 32n);
}

function swapAbstract(a: Scalar, width: number, swaps: boolean): Scalar {
  if (width === 64) return swaps ? SCALAR_UNKNOWN : a;
  const top = (1n << BigInt(width)) - 1n;
  if (!swaps && a.umax <= top) return a;
  return scalarRange(0n, top);
}

function truncate32(r: Scalar): Scalar {
  if (r.umax <= U32) return r;
  return fromTnum(tnumTrunc(r.tnum, 32n));
}

function arith32Signed(op: number, a: Scalar, b: Scalar, offset: number): Scalar {
  if (op === AluOp.ARSH && a.umax < 1n << 31n) return alu64(AluOp.RSH, a, b, 32n, 0);
  if (op === AluOp.MOV) return movsx(a, offset, 32);
  return SCALAR_U32;
}

function movsx(a: Scalar, width: number, bits: number): Scalar {
  const half = 1n << BigInt(width - 1);
  if (a.umax < half) return a;
  if (bits === 32) return SCALAR_U32;
  return make(0n, U64, -half, half - 1n, TNUM_UNKNOWN) ?? SCALAR_UNKNOWN;
}

function alu64(op: number, a: Scalar, b: Scalar, bits: bigint, offset: number): Scalar {
  const top = bits === 64n ? U64 : U32;
  switch (op) {
    case AluOp.ADD: {
      const t = tnumAdd(a.tnum, b.tnum);
      const uOk = a.umax + b.umax <= top;
      const smin = a.smin + b.smin;
      const smax = a.smax + b.smax;
      const sOk = smin >= S64_MIN && smax <= S64_MAX;
      return (
        make(uOk ? a.umin + b.umin : 0n, uOk ? a.umax + b.umax : U64, sOk ? smin : S64_MIN, sOk ? smax : S64_MAX, t) ??
        SCALAR_UNKNOWN
      );
    }
    case AluOp.SUB: {
      const t = tnumSub(a.tnum, b.tnum);
      const uOk = a.umin >= b.umax;
      const smin = a.smin - b.smax;
      const smax = a.smax - b.smin;
      const sOk = smin >= S64_MIN && smax <= S64_MAX;
      return (
        make(uOk ? a.umin - b.umax : 0n, uOk ? a.umax - b.umin : U64, sOk ? smin : S64_MIN, sOk ? smax : S64_MAX, t) ??
        SCALAR_UNKNOWN
      );
    }
    case AluOp.MUL:
      if (a.umax * b.umax <= top) return scalarRange(a.umin * b.umin, a.umax * b.umax);
      return SCALAR_UNKNOWN;
    case AluOp.AND: {
      const t = tnumAnd(a.tnum, b.tnum);
      const bothPositive = a.smin >= 0n && b.smin >= 0n;
      return make(0n, min(a.umax, b.umax), bothPositive ? 0n : S64_MIN, S64_MAX, t) ?? SCALAR_UNKNOWN;
    }
    case AluOp.OR:
      return make(max(a.umin, b.umin), U64, S64_MIN, S64_MAX, tnumOr(a.tnum, b.tnum)) ?? SCALAR_UNKNOWN;
    case AluOp.XOR:
      return fromTnum(tnumXor(a.tnum, b.tnum));
    // Shift amounts here are constants below the width (see untracked).
    case AluOp.LSH:
      return shiftLeft(a, b.umin, top);
    case AluOp.RSH: {
      const s = b.umin;
      return make(a.umin >> s, a.umax >> s, S64_MIN, S64_MAX, tnumShr(a.tnum, s)) ?? SCALAR_UNKNOWN;
    }
    case AluOp.ARSH: {
      const s = b.umin;
      return make(0n, U64, a.smin >> s, a.smax >> s, tnumSar(a.tnum, s)) ?? SCALAR_UNKNOWN;
    }
    case AluOp.NEG:
      return bits === 64n ? SCALAR_UNKNOWN : SCALAR_U32;
    case AluOp.MOV:
      return offset === 0 ? b : movsx(b, offset, Number(bits));
    default:
      return SCALAR_UNKNOWN;
  }
}

function shiftLeft(a: Scalar, s: bigint, top: bigint): Scalar {
  const t = tnumShl(a.tnum, s);
  if (a.umax << s <= top) return make(a.umin << s, a.umax << s, S64_MIN, S64_MAX, t) ?? SCALAR_UNKNOWN;
  return fromTnum(top === U64 ? t : tnumTrunc(t, 32n));
}

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
export function refine(op: number, a: Scalar, b: Scalar, is64: boolean, holds = true): [Scalar, Scalar] | undefined {
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

/** scalarContains says whether every value of `inner` is a value of `outer`. */
export function scalarContains(outer: Scalar, inner: Scalar): boolean {
  if (outer === inner) return true;
  return (
    inner.umin >= outer.umin &&
    inner.umax <= outer.umax &&
    inner.smin >= outer.smin &&
    inner.smax <= outer.smax &&
    !(inner.tnum.mask & ~outer.tnum.mask) &&
    outer.tnum.value === (inner.tnum.value & ~outer.tnum.mask)
  );
}

/** scalarText formats a scalar the way the kernel's log does: a number, or its non-trivial bounds. */
export function scalarText(s: Scalar): string {
  if (isConst(s)) return s.smin < 0n && s.smin > -4096n ? `${s.smin}` : `${s.umin}`;
  const parts: string[] = [];
  if (s.smin !== S64_MIN && s.smin !== asS(s.umin)) parts.push(`smin=${s.smin}`);
  if (s.smax !== S64_MAX && s.smax !== s.umax) parts.push(`smax=${s.smax}`);
  if (s.umin !== 0n) parts.push(`umin=${s.umin}`);
  if (s.umax !== U64) parts.push(`umax=${s.umax}`);
  if (s.tnum.mask !== U64 && s.tnum.mask !== (1n << BigInt(bitLength(s.umax))) - 1n) parts.push(`var_off=${tnumText(s.tnum)}`);
  return parts.length ? `scalar(${parts.join(',')})` : 'scalar()';
}
