// Scalar ALU transfer: one eBPF arithmetic operation on known values and on abstract scalars.
// Invariants: relies on scalar.ts's Scalar (immutable, sound bounds + tnum, built only through make/fromTnum);
// every result over-approximates the concrete results for all input pairs, and 32-bit operations are computed on the
// low halves and zero-extended, as eBPF defines them.
import { AluOp } from '../asm/opcodes.js';
import { MISS, recall, remember } from './memo.js';
import {
  fromTnum,
  isConst,
  lower32,
  make,
  max,
  min,
  S64_MAX,
  S64_MIN,
  type Scalar,
  SCALAR_U32,
  SCALAR_UNKNOWN,
  scalarConst,
  scalarRange,
} from './scalar.js';
import {
  TNUM_UNKNOWN,
  tnumAdd,
  tnumAnd,
  tnumOr,
  tnumSar,
  tnumShl,
  tnumShr,
  tnumSub,
  tnumTrunc,
  tnumXor,
  U32,
  U64,
} from './tnum.js';

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
  // Only byte swaps read imm and toBe, and they ignore offset: the key keeps what the result depends on. It is
  // non-negative (refine's keys are negative) and one-to-one for a 16-bit offset and a swap width of 16, 32 or 64,
  // which checkFields guarantees before any walk.
  const swap = op === AluOp.END;
  const key = ((((swap ? 0 : offset + 0x8000) * 128 + (swap ? imm : 0)) * 2 + (swap ? toBe : 0)) * 2 + (is64 ? 1 : 0)) * 256 + op;
  const known = recall(a, key, b);
  if (known !== MISS) return known as Scalar;
  return remember(a, key, b, computeAlu(op, a, b, is64, offset, imm, toBe));
}

function computeAlu(op: number, a: Scalar, b: Scalar, is64: boolean, offset: number, imm: number, toBe: number): Scalar {
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
