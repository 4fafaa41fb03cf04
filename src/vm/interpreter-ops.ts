// The interpreter's less frequent operations, kept out of its main loop: helper calls, JMP32 compares, byte swaps, atomics.
import type { CallbackInvoker, Runtime } from './runtime.js';

/** callHelper passes r1..r5 through the runtime's helper frame, runs the helper and takes r0 back. */
export function callHelper(
  runtime: Runtime,
  F: Int32Array,
  FI: number,
  L: Int32Array,
  H: Int32Array,
  id: number,
  slot: number,
  invoke: CallbackInvoker,
): void {
  for (let r = 1; r <= 5; r++) {
    F[FI + 2 * r] = L[r] as number;
    F[FI + 2 * r + 1] = H[r] as number;
  }
  runtime.call(id, slot, invoke);
  L[0] = F[FI] as number;
  H[0] = F[FI + 1] as number;
}

/** compare32 evaluates a JMP32 condition (op = opcode & 0xf0) on two low halves. */
export function compare32(op: number, a: number, b: number): boolean {
  switch (op) {
    case 0x10:
      return a === b;
    case 0x50:
      return a !== b;
    case 0x40:
      return (a & b) !== 0;
    case 0x20:
      return a >>> 0 > b >>> 0;
    case 0x30:
      return a >>> 0 >= b >>> 0;
    case 0xa0:
      return a >>> 0 < b >>> 0;
    case 0xb0:
      return a >>> 0 <= b >>> 0;
    case 0x60:
      return a > b;
    case 0x70:
      return a >= b;
    case 0xc0:
      return a < b;
    default:
      return a <= b;
  }
}

/** swap byte-swaps the low `bits` (16, 32, 64) of register d, zero-extending the result. */
export function swap(L: Int32Array, H: Int32Array, d: number, bits: number): void {
  const lo = L[d] as number;
  if (bits === 16) {
    L[d] = ((lo & 0xff) << 8) | ((lo >>> 8) & 0xff);
    H[d] = 0;
  } else if (bits === 32) {
    L[d] = swap32(lo);
    H[d] = 0;
  } else {
    L[d] = swap32(H[d] as number);
    H[d] = swap32(lo);
  }
}

function swap32(v: number): number {
  return ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
}

/**
 * atomic runs one STX|ATOMIC instruction (add/or/and/xor, their fetch forms, xchg, cmpxchg)
 * on 32 or 64 bits at [dst + off]; Sluice runs one program on one thread, so plain
 * read-modify-write is atomic.
 */
export function atomic(
  runtime: Runtime,
  L: Int32Array,
  H: Int32Array,
  slot: number,
  is64: boolean,
  d: number,
  s: number,
  offset: number,
  op: number,
): void {
  const size = is64 ? 8 : 4;
  const a = (L[d] as number) + offset;
  runtime.checkWrite(a, H[d] as number, size, slot);
  const dv = runtime.space.view;
  const oldLo = dv.getInt32(a, true);
  const oldHi = is64 ? dv.getInt32(a + 4, true) : 0;
  const srcLo = L[s] as number;
  const srcHi = is64 ? (H[s] as number) : 0;
  let newLo = oldLo;
  let newHi = oldHi;
  switch (op & 0xf0) {
    case 0x00: {
      const lo = (oldLo >>> 0) + (srcLo >>> 0);
      newLo = lo | 0;
      newHi = (oldHi + srcHi + (lo > 0xffffffff ? 1 : 0)) | 0;
      break;
    }
    case 0x40:
      newLo = oldLo | srcLo;
      newHi = oldHi | srcHi;
      break;
    case 0x50:
      newLo = oldLo & srcLo;
      newHi = oldHi & srcHi;
      break;
    case 0xa0:
      newLo = oldLo ^ srcLo;
      newHi = oldHi ^ srcHi;
      break;
    case 0xe0:
      newLo = srcLo;
      newHi = srcHi;
      break;
    default: {
      // cmpxchg: compare with r0 (its low half only for 32 bits), always load the old value into r0.
      const equal = oldLo === L[0] && (!is64 || oldHi === H[0]);
      if (equal) {
        newLo = srcLo;
        newHi = srcHi;
      }
      L[0] = oldLo;
      H[0] = oldHi;
    }
  }
  dv.setInt32(a, newLo, true);
  if (is64) dv.setInt32(a + 4, newHi, true);
  if ((op & 0x01) !== 0 && (op & 0xf0) !== 0xf0) {
    L[s] = oldLo;
    H[s] = oldHi;
  }
}
