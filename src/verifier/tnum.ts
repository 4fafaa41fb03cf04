// Tracked numbers: which bits of a 64-bit value are known (value) and which are unknown (mask).

/** Tnum is a 64-bit value whose bits set in `mask` are unknown; bits clear in mask equal `value`. */
export interface Tnum {
  readonly value: bigint;
  readonly mask: bigint;
}

export const U64 = (1n << 64n) - 1n;
export const U32 = (1n << 32n) - 1n;

/** TNUM_UNKNOWN knows nothing about any bit. */
export const TNUM_UNKNOWN: Tnum = { value: 0n, mask: U64 };

/** tnumConst is a fully known value. */
export function tnumConst(v: bigint): Tnum {
  return { value: v & U64, mask: 0n };
}

/** tnumRange is the tightest tnum holding every value in [min, max] (unsigned). */
export function tnumRange(min: bigint, max: bigint): Tnum {
  const chi = min ^ max;
  if (chi === 0n) return tnumConst(min);
  const bits = bitLength(chi);
  if (bits > 63) return TNUM_UNKNOWN;
  const delta = (1n << BigInt(bits)) - 1n;
  return { value: min & ~delta & U64, mask: delta };
}

/** bitLength is the number of significant bits of a value below 2^64 (without a string conversion). */
export function bitLength(v: bigint): number {
  const high = Number(v >> 32n);
  return high ? 64 - Math.clz32(high) : 32 - Math.clz32(Number(v));
}

/** tnumAdd is the tnum of a + b (mod 2^64). */
export function tnumAdd(a: Tnum, b: Tnum): Tnum {
  const sm = (a.mask + b.mask) & U64;
  const sv = (a.value + b.value) & U64;
  const chi = ((sm + sv) & U64) ^ sv;
  const mu = chi | a.mask | b.mask;
  return { value: sv & ~mu & U64, mask: mu };
}

/** tnumSub is the tnum of a - b (mod 2^64). */
export function tnumSub(a: Tnum, b: Tnum): Tnum {
  const dv = (a.value - b.value) & U64;
  const alpha = (dv + a.mask) & U64;
  const beta = (dv - b.mask) & U64;
  const mu = (alpha ^ beta) | a.mask | b.mask;
  return { value: dv & ~mu & U64, mask: mu };
}

/** tnumAnd is the tnum of a & b. */
export function tnumAnd(a: Tnum, b: Tnum): Tnum {
  const alpha = a.value | a.mask;
  const beta = b.value | b.mask;
  const v = a.value & b.value;
  return { value: v, mask: alpha & beta & ~v & U64 };
}

/** tnumOr is the tnum of a | b. */
export function tnumOr(a: Tnum, b: Tnum): Tnum {
  const v = a.value | b.value;
  return { value: v, mask: (a.mask | b.mask) & ~v & U64 };
}

/** tnumXor is the tnum of a ^ b. */
export function tnumXor(a: Tnum, b: Tnum): Tnum {
  const mu = a.mask | b.mask;
  return { value: (a.value ^ b.value) & ~mu & U64, mask: mu };
}

/** tnumShl is the tnum of a << s. */
export function tnumShl(a: Tnum, s: bigint): Tnum {
  return { value: (a.value << s) & U64, mask: (a.mask << s) & U64 };
}

/** tnumShr is the tnum of a >> s (logical). */
export function tnumShr(a: Tnum, s: bigint): Tnum {
  return { value: a.value >> s, mask: a.mask >> s };
}

/** tnumSar is the tnum of a >> s (arithmetic, 64-bit). */
export function tnumSar(a: Tnum, s: bigint): Tnum {
  return {
    value: BigInt.asUintN(64, BigInt.asIntN(64, a.value) >> s),
    mask: BigInt.asUintN(64, BigInt.asIntN(64, a.mask) >> s),
  };
}

/** tnumIntersect combines two facts about the same value. */
export function tnumIntersect(a: Tnum, b: Tnum): Tnum {
  const v = a.value | b.value;
  const mu = a.mask & b.mask;
  return { value: v & ~mu & U64, mask: mu };
}

/** tnumContains says whether every value of `inner` is a value of `outer`. */
export function tnumContains(outer: Tnum, inner: Tnum): boolean {
  if (inner.mask & ~outer.mask) return false;
  return outer.value === (inner.value & ~outer.mask);
}

/** tnumTrunc keeps the low `bits` bits (the upper ones become known zero). */
export function tnumTrunc(a: Tnum, bits: bigint): Tnum {
  const m = (1n << bits) - 1n;
  return { value: a.value & m, mask: a.mask & m };
}

/** tnumText formats a tnum as the kernel does: (value; mask). */
export function tnumText(a: Tnum): string {
  return `(0x${a.value.toString(16)}; 0x${a.mask.toString(16)})`;
}
