// What every emitting function shares: the emitter, the plan and layout, register roles and the common exits.
import { R6, R7, R8, R9 } from '../asm/opcodes.js';
import type { Plan } from '../sql/plan.js';
import { QueryError, type SourcePosition } from '../sql/errors.js';
import type { Emitter, Label } from './emitter.js';
import { FatalCode, S, type Layout } from './layout.js';

/** Register roles inside the per-byte callback (callee-saved, so helper calls keep them). */
export const REG = {
  /** Pointer to the callback context on the entry function's stack (see CTX). */
  ctx: R6,
  /** Pointer to the state map's value. */
  state: R7,
  /** The current byte while scanning; the group's aggregate value while aggregating a row. */
  byte: R8,
  group: R8,
  /** Position of the current byte within the chunk. */
  index: R9,
} as const;

/** Offsets in the callback context the entry function keeps on its stack. */
export const CTX = {
  data: 0,
  dataEnd: 8,
  state: 16,
  aggs: 24,
  flush: 32,
  size: 40,
} as const;

/** Gen is the state of one compilation, passed to every emitting function. */
export interface Gen {
  readonly e: Emitter;
  readonly plan: Plan;
  /** Name of the query text in errors (e.g. `q.sql`). */
  readonly queryFile: string;
  readonly layout: Layout;
  readonly stateMap: number;
  readonly aggMap: number;
  /** Return 0 from the callback: go on with the next byte. */
  readonly next: Label;
  /** Return 1 from the callback: stop this chunk's loop. */
  readonly stop: Label;
  /** Where a delimiter or newline event ends (stops the loop after an end-of-file flush). */
  readonly eventDone: Label;
}

/** emitFileOffset puts `base + index + extra` (a file offset) into `dst`. */
export function emitFileOffset(g: Gen, dst: number, extra: number): void {
  g.e.load('DW', dst, REG.state, S.base);
  g.e.aluReg('ADD', dst, REG.index);
  if (extra !== 0) g.e.aluImm('ADD', dst, extra);
}

/** emitFatal records a fatal condition (first one wins) and stops the chunk. Clobbers r0. */
export function emitFatal(g: Gen, code: (typeof FatalCode)[keyof typeof FatalCode]): void {
  const { e } = g;
  const done = e.label('fatal_recorded');
  e.load('DW', 0, REG.state, S.fatal);
  e.jumpImm('JNE', 0, 0, done);
  e.storeImm('DW', REG.state, S.fatal, code);
  e.load('DW', 0, REG.state, S.line);
  e.store('DW', REG.state, S.fatalLine, 0);
  e.bind(done);
  e.goto(g.stop);
}

/**
 * unsupported builds the one error shape for constructs the eBPF code generator refuses: it names the
 * query file and the construct's SQL position (`at`, from the plan node; the query's start if the
 * node has none).
 */
export function unsupported(g: Gen, what: string, at: SourcePosition | undefined): QueryError {
  return new QueryError(g.queryFile, at ?? { line: 1, column: 1 }, `the eBPF code generator does not support ${what}`);
}
