// What every translated function needs from its module: import and global indexes, checks, callees.
import type { Instruction } from '../../asm/instruction.js';

/** FaultKind is the first argument of the imported `fault` function: which named error to throw. */
export const FaultKind = {
  budget: 0,
  callDepth: 1,
  fallOff: 2,
} as const;

/** Imports are the function indexes of the module's imports (see compile.ts for their JavaScript side). */
export interface Imports {
  /** fault(kind, slot): throws the named VmError; never returns (a wasm function calling the import). */
  readonly fault: number;
  /** access(lo, hi, size, write, slot): returns if the access is valid (a map value), else throws. */
  readonly access: number;
  /**
   * helper(id, slot) -> charge: Runtime.call with r1..r5 already in the helper frame; r0 is left
   * there; returns the instructions the helper was charged for its work (Runtime.takeCharge).
   */
  readonly helper: number;
  /** callx(idLo, idHi, slot) -> charge: like helper, for `callx`, refusing ids that are not helpers. */
  readonly callx: number;
  /** lookup(handleLo, handleHi, keyLo, keyHi, slot) -> value address or 0: map_lookup_elem's fast path. */
  readonly lookup: number;
}

/** Globals are the indexes of the module's mutable globals. */
export interface Globals {
  /** count: instructions executed in this run (i64), published around helper calls (their callbacks continue it). */
  readonly count: number;
  /** inputStart: the first readable input byte (i64; the input region moves, see AddressSpace.pointInput), set before each run. */
  readonly inputStart: number;
  /** inputEnd, contextEnd: one past the readable input and context bytes (i64), set before each run. */
  readonly inputEnd: number;
  readonly contextEnd: number;
  /** fp: r10 of the frame that last called bpf_loop, so its callbacks get the next frame (i64). */
  readonly fp: number;
}

/** ArrayLayout is where an array map's values live: entry k at start + k * stride, k < maxEntries. */
export interface ArrayLayout {
  readonly start: number;
  readonly stride: number;
  readonly maxEntries: number;
}

/** WritableRange is [start, end): proven stores outside it still fault (memory.ts explains the layout). */
export interface WritableRange {
  readonly start: number;
  readonly end: number;
}

/** ModuleContext is shared by the functions of one module. */
export interface ModuleContext {
  /** program: the program's name, for errors. */
  readonly program: string;
  readonly imports: Imports;
  readonly globals: Globals;
  /** budget: the runtime's instruction budget, checked at every loop header. */
  readonly budget: bigint;
  /** writableInput: whether stores to the input region are allowed (conformance memory). */
  readonly writableInput: boolean;
  /** writable: the one address range holding everything a program may write (memory.ts). */
  readonly writable: WritableRange;
  /** safe reports whether the verifier proved the access at `slot` in bounds. */
  safe(slot: number): boolean;
  /** checkFunction returns the index of the bounds-check function for accesses of `size` bytes. */
  checkFunction(size: number, write: boolean): number;
  /** callee returns the function index of the sub-program starting at `target` (called from `slot`). */
  callee(target: number, slot: number): number;
  /** arrayLayout returns the value layout of map `index` when it is an array map, else undefined. */
  arrayLayout(index: number): ArrayLayout | undefined;
  /** cachedLookup returns the function `(key: i64, slot: i32) -> i64` looking map `index` up through its cache (lookup-cache.ts), if it has one. */
  cachedLookup(index: number): number | undefined;
  /** lookupCaches: some map is cached, so runs and helper calls move the cache epoch on. */
  readonly lookupCaches: boolean;
  /** constant returns the 64-bit value an lddw at `slot` loads (maps and functions resolved). */
  constant(insn: Instruction, slot: number): bigint;
}
