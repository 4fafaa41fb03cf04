// The interpreter's less frequent operations, kept out of its main loop: helper calls, JMP32 compares, byte swaps, atomics.
import { type CallbackInvoker, HELPER_FRAME_INDEX, type Runtime } from './runtime.js';

/*
 * Register files here are the interpreter's: one Int32Array with r_k's low half at 2k and
 * its high half at 2k + 1; register arguments (d, s) are already doubled.
 */

/** callHelper passes r1..r5 through the runtime's helper frame, runs the helper and takes r0 back. */
export function callHelper(runtime: Runtime, R: Int32Array, id: number, slot: number, invoke: CallbackInvoker): void {
  // The helper frame has the same layout as the register file (r_k at 2k, 2k + 1).
  const F = runtime.frame;
  for (let i = 2; i < 12; i++) F[HELPER_FRAME_INDEX + i] = R[i] as number;
  runtime.call(id, slot, invoke);
  R[0] = F[HELPER_FRAME_INDEX] as number;
  R[1] = F[HELPER_FRAME_INDEX + 1] as number;
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
export function swap(R: Int32Array, d: number, bits: number): void {
  const lo = R[d] as number;
  if (bits === 16) {
    R[d] = ((lo & 0xff) << 8) | ((lo >>> 8) & 0xff);
    R[d + 1] = 0;
  } else if (bits === 32) {
    R[d] = swap32(lo);
    R[d + 1] = 0;
  } else {
    R[d] = swap32(R[d + 1] as number);
    R[d + 1] = swap32(lo);
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
  R: Int32Array,
  slot: number,
  is64: boolean,
  d: number,
  s: number,
  offset: number,
  op: number,
): void {
  const size = is64 ? 8 : 4;
  const a = (R[d] as number) + offset;
  runtime.checkWrite(a, R[d + 1] as number, size, slot);
  const dv = runtime.space.view;
  const oldLo = dv.getInt32(a, true);
  const oldHi = is64 ? dv.getInt32(a + 4, true) : 0;
  const srcLo = R[s] as number;
  const srcHi = is64 ? (R[s + 1] as number) : 0;
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
      const equal = oldLo === R[0] && (!is64 || oldHi === R[1]);
      if (equal) {
        newLo = srcLo;
        newHi = srcHi;
      }
      R[0] = oldLo;
      R[1] = oldHi;
    }
  }
  dv.setInt32(a, newLo, true);
  if (is64) dv.setInt32(a + 4, newHi, true);
  if ((op & 0x01) !== 0 && (op & 0xf0) !== 0xf0) {
    R[s] = oldLo;
    R[s + 1] = oldHi;
  }
}
