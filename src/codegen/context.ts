// What every emitting function shares: the emitter, the plan and layout, register roles and the common exits.
import { R0, R6, R7, R8, R9 } from '../asm/builder.js';
import type { Plan } from '../sql/plan.js';
import { QueryError, type SourcePosition } from '../sql/errors.js';
import type { Emitter, Label, Register } from './emitter.js';
import type { KeyedMap } from './keyed-row.js';
import { FatalCode, S, type BuildMapLayout, type Layout } from './layout.js';
import type { TopGen } from './top-rows.js';

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

/** CALLBACK_WORDS declares the callback context the entry function keeps on its stack, in order (8 bytes each). */
const CALLBACK_WORDS = [
  'data', // the chunk's first byte (packet pointer)
  'dataEnd', // one past the chunk's last byte
  'state', // the state map's value
  'aggs', // the single group's value (no GROUP BY), else 0
  'flush', // 1 once an empty chunk has flushed the last row
] as const;

/** CTX gives the offset of each callback context word, and the context's size. */
export const CTX = Object.freeze({
  ...(Object.fromEntries(CALLBACK_WORDS.map((name, i) => [name, i * 8])) as Record<(typeof CALLBACK_WORDS)[number], number>),
  size: CALLBACK_WORDS.length * 8,
});

/** ProbeMap is one build side's map as the probe program sees it. */
export interface ProbeMap {
  readonly index: number;
  readonly type: 'array' | 'hash';
  readonly maxEntries: number;
  readonly layout: BuildMapLayout;
}

/** Gen is the state of one compilation, passed to every emitting function. */
export interface Gen {
  readonly e: Emitter;
  readonly plan: Plan;
  /** Name of the query text in errors (e.g. `q.sql`). */
  readonly queryFile: string;
  readonly layout: Layout;
  readonly stateMap: number;
  readonly aggMap: number;
  /** For a join's build side (Plan.keyed): the maps its rows fill, the array at aggMap and the hash map at keyedHashMap. */
  readonly keyedMap?: KeyedMap;
  readonly keyedHashMap?: number;
  /** A join's build maps, by build side: map index, type and value layout (empty without a join). */
  readonly buildMaps: readonly ProbeMap[];
  /** Return 0 from the callback: go on with the next byte. */
  readonly next: Label;
  /** Return 1 from the callback: stop this chunk's loop. */
  readonly stop: Label;
  /** Where a delimiter or newline event ends (stops the loop after an end-of-file flush). */
  readonly eventDone: Label;
  /** A row selection cut to its best n rows in storage: the heap and its sift callbacks (see top-rows.ts). */
  readonly top?: TopGen;
}

/** emitFileOffset puts `base + index + extra` (a file offset) into `dst`. */
export function emitFileOffset(g: Gen, dst: Register, extra: number): void {
  g.e.load('DW', dst, REG.state, S.base);
  g.e.aluReg('ADD', dst, REG.index);
  if (extra !== 0) g.e.aluImm('ADD', dst, extra);
}

/** emitFatal records a fatal condition (first one wins) and stops the chunk. Clobbers r0. */
export function emitFatal(g: Gen, code: (typeof FatalCode)[keyof typeof FatalCode]): void {
  const { e } = g;
  const done = e.label('fatal_recorded');
  e.load('DW', R0, REG.state, S.fatal);
  e.jumpImm('JNE', R0, 0, done);
  e.storeImm('DW', REG.state, S.fatal, code);
  e.load('DW', R0, REG.state, S.line);
  e.store('DW', REG.state, S.fatalLine, R0);
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
