// Abstract scalar values: unsigned and signed 64-bit ranges plus known bits, their construction, order and log text.
// Invariants: a Scalar is immutable (constants and SCALAR_UNKNOWN are shared objects) and never empty; its unsigned,
// signed and tnum parts each contain every value it stands for, and make tightens them against one another as
// Linux's reg_bounds_sync does, returning undefined when no value is left.
import {
  TNUM_UNKNOWN,
  U32,
  bitLength,
  U64,
  tnumConst,
  tnumIntersect,
  tnumRange,
  tnumText,
  tnumTrunc,
  type Tnum,
} from './tnum.js';
import type { ScalarCache } from './memo.js';

/**
 * Scalar is the set of 64-bit values a register may hold; all bounds are inclusive. Immutable but
 * for its cache (memo.ts): results already computed from it, which a hit returns unchanged.
 */
export interface Scalar extends ScalarCache {
  readonly umin: bigint;
  readonly umax: bigint;
  readonly smin: bigint;
  readonly smax: bigint;
  readonly tnum: Tnum;
}

export const S64_MIN = -(1n << 63n);
export const S64_MAX = (1n << 63n) - 1n;
const SIGN = 1n << 63n;
const LOW63 = SIGN - 1n;

export const asS = (v: bigint): bigint => BigInt.asIntN(64, v);
const asU = (v: bigint): bigint => BigInt.asUintN(64, v);
export const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);
export const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/** SCALAR_UNKNOWN is any 64-bit value. */
export const SCALAR_UNKNOWN: Scalar = { umin: 0n, umax: U64, smin: S64_MIN, smax: S64_MAX, tnum: TNUM_UNKNOWN, memo: undefined, reg: undefined, lasting: true };
/** SCALAR_U32 is any value of a zero-extended 32-bit result. */
export const SCALAR_U32: Scalar = { umin: 0n, umax: U32, smin: 0n, smax: U32, tnum: { value: 0n, mask: U32 }, memo: undefined, reg: undefined, lasting: true };

const constCache = new Map<bigint, Scalar>();
/** smallConsts holds the constants 0..SMALL_CONSTS-1 by index: no BigInt hashing for the commonest values. */
const SMALL_CONSTS = 4096;
const SMALL_LIMIT = BigInt(SMALL_CONSTS);
const smallConsts: (Scalar | undefined)[] = new Array<Scalar | undefined>(SMALL_CONSTS).fill(undefined);

/** scalarConst is exactly the value v (taken mod 2^64). */
export function scalarConst(v: bigint): Scalar {
  if (v >= 0n && v < SMALL_LIMIT) {
    const i = Number(v);
    return (smallConsts[i] ??= { umin: v, umax: v, smin: v, smax: v, tnum: tnumConst(v), memo: undefined, reg: undefined, lasting: true });
  }
  const u = asU(v);
  let s = constCache.get(u);
  if (!s) {
    const cached = constCache.size < 4096;
    s = { umin: u, umax: u, smin: asS(u), smax: asS(u), tnum: tnumConst(u), memo: undefined, reg: undefined, lasting: cached };
    if (cached) constCache.set(u, s);
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
  return { umin, umax, smin, smax, tnum: t, memo: undefined, reg: undefined, lasting: false };
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
  return { umin: BigInt(umin), umax: BigInt(umax), smin: BigInt(smin), smax: BigInt(smax), tnum: { value: BigInt(value), mask: BigInt(mask) }, memo: undefined, reg: undefined, lasting: false };
}

/** fromTnum is every value the tnum allows, with bounds derived from it. */
export function fromTnum(t: Tnum): Scalar {
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
