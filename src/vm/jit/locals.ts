// The WebAssembly locals of a translated eBPF function: registers, instruction counter, scratch.
import { ValType } from './wasm-opcodes.js';
import type { FuncType } from './wasm-module.js';

/**
 * FUNCTION_TYPE is every translated eBPF function's signature:
 * (r1, r2, r3, r4, r5, r10, count) -> (r0, count), all i64. r10 is a parameter so that each
 * call depth gets its own 512-byte frame; the instruction count goes in and comes back out,
 * so a bpf-to-bpf call or a native bpf_loop iteration touches no global.
 */
export const FUNCTION_TYPE: FuncType = {
  params: [ValType.i64, ValType.i64, ValType.i64, ValType.i64, ValType.i64, ValType.i64, ValType.i64],
  results: [ValType.i64, ValType.i64],
};

/** REG_LOCAL[r] is the local holding eBPF register r (params first: r1..r5, r10; then r0, r6..r9). */
export const REG_LOCAL: readonly number[] = [7, 0, 1, 2, 3, 4, 8, 9, 10, 11, 5];

/** Local names the non-register locals. */
export const Local = {
  /** Instructions executed so far in this run, minus the current block's lag (a parameter: see FUNCTION_TYPE). */
  count: 6,
  t64a: 12,
  t64b: 13,
  t32a: 14,
  t32b: 15,
  /** pc: the next block's id in dispatcher mode (irreducible control flow). */
  pc: 16,
  /** inputLength: readable input bytes this run (i64), for inline bounds checks. */
  inputLength: 17,
  /** inputStart: the first readable input byte this run (i64), for inline bounds checks. */
  inputStart: 18,
} as const;

/** EXTRA_LOCALS declares the locals after the parameters: r0, r6..r9, two i64 and two i32 scratch, pc, inputLength, inputStart. */
export const EXTRA_LOCALS: readonly ValType[] = [
  ValType.i64,
  ValType.i64,
  ValType.i64,
  ValType.i64,
  ValType.i64,
  ValType.i64,
  ValType.i64,
  ValType.i32,
  ValType.i32,
  ValType.i32,
  ValType.i64,
  ValType.i64,
];
