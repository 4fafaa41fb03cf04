// Exact 64-bit multiply, divide and modulo on 32-bit halves: the slow paths of the interpreter.

/**
 * wide holds the result of the functions below as [low, high] 32-bit halves. Writing into
 * one shared array instead of returning a pair keeps the interpreter's loop allocation-free.
 */
export const wide = new Int32Array(2);

const TWO_32 = 4294967296;

/** mul64 sets `wide` to the low 64 bits of (ah:al) * (bh:bl). */
export function mul64(al: number, ah: number, bl: number, bh: number): void {
  const a = al >>> 0;
  const b = bl >>> 0;
  // The high word of a 32x32 product from 16-bit pieces: every partial sum stays below 2^53.
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const middle = (a0 * b1 + a1 * b0) * 65536 + a0 * b0;
  const carry = Math.floor(middle / TWO_32);
  wide[0] = Math.imul(a, b);
  wide[1] = (a1 * b1 + carry + Math.imul(a, bh) + Math.imul(ah, b)) | 0;
}

/** udiv64 sets `wide` to (ah:al) / (bh:bl), unsigned; 0 when the divisor is 0. */
export function udiv64(al: number, ah: number, bl: number, bh: number): void {
  if (bl === 0 && bh === 0) return set(0, 0);
  if (ah === 0 && bh === 0) return set(Math.floor((al >>> 0) / (bl >>> 0)), 0);
  setBig(toU64(al, ah) / toU64(bl, bh));
}

/** umod64 sets `wide` to (ah:al) % (bh:bl), unsigned; the dividend unchanged when the divisor is 0. */
export function umod64(al: number, ah: number, bl: number, bh: number): void {
  if (bl === 0 && bh === 0) return set(al, ah);
  if (ah === 0 && bh === 0) return set((al >>> 0) % (bl >>> 0), 0);
  setBig(toU64(al, ah) % toU64(bl, bh));
}

/** sdiv64 sets `wide` to (ah:al) / (bh:bl), signed, truncating; 0 for a 0 divisor; INT64_MIN / -1 = INT64_MIN. */
export function sdiv64(al: number, ah: number, bl: number, bh: number): void {
  if (bl === 0 && bh === 0) return set(0, 0);
  if (ah === al >> 31 && bh === bl >> 31) {
    // Both fit in 32 signed bits: the quotient fits in 33 bits (INT32_MIN / -1 = 2^31), exact in a double.
    const q = Math.trunc(al / bl);
    return set(q | 0, q < 0 ? -1 : 0);
  }
  setBig(toS64(al, ah) / toS64(bl, bh));
}

/** smod64 sets `wide` to (ah:al) % (bh:bl), signed (sign of the dividend); the dividend for a 0 divisor. */
export function smod64(al: number, ah: number, bl: number, bh: number): void {
  if (bl === 0 && bh === 0) return set(al, ah);
  if (ah === al >> 31 && bh === bl >> 31) {
    const r = al % bl;
    return set(r | 0, r < 0 ? -1 : 0);
  }
  setBig(toS64(al, ah) % toS64(bl, bh));
}

function set(low: number, high: number): void {
  wide[0] = low;
  wide[1] = high;
}

function setBig(value: bigint): void {
  const v = BigInt.asUintN(64, value);
  wide[0] = Number(v & 0xffff_ffffn);
  wide[1] = Number(v >> 32n);
}

function toU64(low: number, high: number): bigint {
  return (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0);
}

function toS64(low: number, high: number): bigint {
  return BigInt.asIntN(64, toU64(low, high));
}
