// The one Engine interface that the interpreter and the JIT implement.
import type { ProgramSpec } from '../asm/program.js';
import type { Runtime } from './runtime.js';

/** ENGINE_NAMES lists the names of Sluice's engines, interpreter first (engines.ts holds the engines themselves). */
export const ENGINE_NAMES = ['interpreter', 'jit'] as const;

/** EngineName selects an engine on the command line and in options; 'kernel' is Linux itself, for hook programs (storage/kernel-engine.ts). */
export type EngineName = (typeof ENGINE_NAMES)[number] | 'kernel';

/**
 * ProgramFacts is what the verifier proved about a program that an engine may rely on.
 * The verifier's result satisfies it; engines must stay correct without it (checks stay).
 */
export interface ProgramFacts {
  /** Slot indexes of loads, stores and atomics proven inside their region. */
  readonly safeAccesses: ReadonlySet<number>;
  /** Which region each of them was proven inside; the interpreter's audit mode checks it at run time. */
  readonly provenRegions?: ReadonlyMap<number, readonly ProvenRegion[]>;
  /** Per slot, 1 if the verifier's walk reached it; audit mode treats running any other slot as a violation. */
  readonly walked?: Uint8Array;
}

/**
 * ProvenRegion names the region an access was proven inside: a stack frame (by call depth, 0 for
 * the entry function), the context, the input (chunk or conformance memory), or a map's value.
 */
export type ProvenRegion =
  | { readonly kind: 'stack'; readonly frame: number }
  | { readonly kind: 'context' }
  | { readonly kind: 'input' }
  | { readonly kind: 'map'; readonly map: number };

/** RunResult is the outcome of one run: r0 at exit (all 64 bits) and instructions executed. */
export interface RunResult {
  readonly r0: bigint;
  readonly instructions: number;
}

/**
 * Executable is a program loaded into a Runtime. `run` starts at slot 0 with r1 and r2 set
 * (r1 usually the context address, see memory.ts) and r10 at the top of frame 0. It throws
 * a VmError (errors.ts) on a fault or when the runtime's instruction budget runs out.
 */
export interface Executable {
  run(r1: number, r2?: number): RunResult;
  /** close releases what the executable holds outside the process's memory (the kernel engine's file descriptors). */
  close?(): void;
}

/**
 * CodeCache keeps what an engine compiled, by a key the engine derives from everything the code
 * depends on (a SHA-256 hex digest), so that loading the same program again skips the compiler.
 * Whoever provides it must hand back only bytes that the engine itself put (the storage node's
 * ProgramStore signs them); the engines that do not compile ignore it.
 */
export interface CodeCache {
  get(key: string): Uint8Array | undefined;
  put(key: string, code: Uint8Array): void;
}

/**
 * Engine turns a program into an Executable bound to one Runtime (its memory and maps).
 * `inputBytes`, when known, is how many bytes the program will be run over in all (a file's size):
 * an engine may spend less on optimising code that will not run for long.
 */
export interface Engine {
  readonly name: EngineName;
  load(program: ProgramSpec, runtime: Runtime, facts?: ProgramFacts, codeCache?: CodeCache, inputBytes?: number): Executable;
}
