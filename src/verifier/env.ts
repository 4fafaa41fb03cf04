// What every part of the walk shares: the program, its context, its shape, the static facts and the results so far.
import type { ProgramSpec } from '../asm/program.js';
import type { Needs } from './analysis.js';
import type { ContextSpec } from './context.js';
import type { ProvenRegion } from './proven.js';
import type { Structure } from './structure.js';

/** Env is the read-mostly environment of one verification. */
export interface Env {
  readonly spec: ProgramSpec;
  readonly context: ContextSpec;
  readonly structure: Structure;
  readonly needs: Needs;
  /** Per slot of a memory access proven in bounds, the regions it was proven inside (one per kind of pointer that reached it). */
  readonly proven: (ProvenRegion[] | undefined)[];
  /** Those slots in the order the walk first proved them. */
  readonly provenOrder: number[];
  /** Per slot, 1 once the walk has reached it. */
  readonly walked: Uint8Array;
  /** Deepest stack byte touched per function index (a positive byte count). */
  readonly stackDepth: Int32Array;
}

/** Refusal is thrown inside the walk with the reason only; the walker adds the instruction and the state. */
export class Refusal extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** refuse throws a Refusal. */
export function refuse(reason: string): never {
  throw new Refusal(reason);
}
