// verify(): proves a program safe to attach (or refuses it with a kernel-style explanation), and reports the effort.
import { bySlot } from '../asm/instruction.js';
import type { ProgramSpec } from '../asm/program.js';
import { analyse } from './analysis.js';
import type { ProvenRegion } from './proven.js';
import type { ContextSpec } from './context.js';
import type { Env } from './env.js';
import { VerifierError } from './errors.js';
import { formatInstruction } from '../asm/disassembler.js';
import { forgetMemos } from './memo.js';
import { scalarConst } from './scalar.js';
import { STACK_SIZE, type State, newFrame, pointerReg, scalarReg } from './state.js';
import { StructureError, type Structure, checkStructure } from './structure.js';
import { Walker } from './walker.js';

/*
 * What the verifier does NOT check (the engines, the runtime or nobody does):
 * - Helper behaviour past their prototypes: what a helper does with valid arguments (map update
 *   flags, bpf_loop's iteration count at run time, trace_printk's format) is the runtime's job, and
 *   helpers are not charged by the work they do.
 * - Termination in wall-clock terms: loops are walked until their states repeat or the complexity
 *   limit is hit; the engines' instruction budget stops a run.
 * - Map contents: values read from maps, read-only ones included, are unknown scalars (Linux reads a
 *   frozen map's bytes as constants; Sluice proves less there, never more).
 * - Information leaks: a pointer may be compared, subtracted from another of the same region, or
 *   stored whole on the stack (unprivileged Linux refuses more of this; Sluice has no kernel
 *   addresses to hide). Partial fills and spills of pointers are refused.
 * - Anything about kfuncs, BTF ids, tail calls, spin locks, dynptrs, iterators, timers, may_goto
 *   and the other kernel features Sluice refuses outright (structure check) or lacks.
 * - The run-time layout beyond three facts it relies on (src/vm/memory.ts; tied together by
 *   test/verifier/hole-classes.test.ts): every region starts above 0 and ends below 2^30, and map
 *   handles are not 0, so a map value at or above its start is never null.
 * Where Linux 6.18 gives up on bounds (div/mod, shifts by a register, a bpf_loop index), Sluice
 * gives up too: the aim is to prove less than Linux (and refuse some programs it accepts), never
 * more; the differential campaign against the kernel is what checks that aim.
 */

/** VerifyOptions: the context r1 points at, the limits, and how much to log (1: every step and branch, 2: with registers). */
export interface VerifyOptions {
  readonly context: ContextSpec;
  /** Largest program, in slots (default 1,000,000). */
  readonly maxInsns?: number;
  /** Most instructions the walk may process over all paths (default 1,000,000). */
  readonly complexityLimit?: number;
  readonly logLevel?: 0 | 1 | 2;
}

/** VerifierStats is the effort a verification took. */
export interface VerifierStats {
  /** Instructions processed over all paths (Linux's "processed N insns"). */
  readonly processedInsns: number;
  /** Checkpoints kept for pruning. */
  readonly states: number;
  /** Most checkpoints and pending branches held at once. */
  readonly peakStates: number;
  /** Deepest combined stack of any call chain, in bytes. */
  readonly maxStackDepth: number;
  readonly timeMs: number;
}

/** VerifierResult is an accepted program's proof summary; it satisfies the engines' ProgramFacts. */
export interface VerifierResult {
  readonly stats: VerifierStats;
  readonly log: string;
  /** Slot indexes of loads, stores and atomics proven inside their region. */
  readonly safeAccesses: ReadonlySet<number>;
  /** For each of those slots, the region (or regions, one per pointer kind reaching it) it was proven inside. */
  readonly provenRegions: ReadonlyMap<number, readonly ProvenRegion[]>;
  /** Per slot, 1 if the walk reached it (0: dead code on every path the verifier explored). */
  readonly walked: Uint8Array;
}

/**
 * verify proves `spec` safe for `options.context` the way the Linux verifier does: structure
 * first, then an abstract walk of every path with pruning. Throws VerifierError on refusal.
 */
export function verify(spec: ProgramSpec, options: VerifyOptions): VerifierResult {
  const started = performance.now();
  const maxInsns = options.maxInsns ?? 1_000_000;
  const complexityLimit = options.complexityLimit ?? 1_000_000;
  const logLevel = options.logLevel ?? 0;
  let structure: Structure;
  try {
    structure = checkStructure(spec, maxInsns);
  } catch (e) {
    if (!(e instanceof StructureError)) throw e;
    const insn = e.slot >= 0 ? structureSlot(spec, e.slot) : undefined;
    throw new VerifierError({ insn: e.slot, disassembly: insn ?? '', registers: '', reason: e.reason, log: '' });
  }
  const env: Env = {
    spec,
    context: options.context,
    structure,
    needs: analyse(structure),
    proven: new Array<ProvenRegion[] | undefined>(structure.slots.length),
    provenOrder: [],
    walked: new Uint8Array(structure.slots.length),
    stackDepth: new Int32Array(structure.entries.length),
  };
  const walker = new Walker(env, { complexityLimit, logLevel });
  try {
    walker.explore(entryState(options.context));
  } finally {
    forgetMemos();
  }
  const maxStackDepth = combinedStack(env);
  const stats: VerifierStats = {
    processedInsns: walker.processed,
    states: walker.states,
    peakStates: walker.peakStates,
    maxStackDepth,
    timeMs: performance.now() - started,
  };
  const summary =
    `processed ${stats.processedInsns} insns (limit ${complexityLimit}) total_states ${stats.states} ` +
    `peak_states ${stats.peakStates} stack_depth ${maxStackDepth}`;
  const log = logLevel > 0 ? `${walker.logText()}\n${summary}` : summary;
  const safeAccesses = new Set(env.provenOrder);
  const provenRegions = new Map(env.provenOrder.map((slot) => [slot, env.proven[slot]!]));
  return { stats, log, safeAccesses, provenRegions, walked: env.walked };
}

function structureSlot(spec: ProgramSpec, slot: number): string | undefined {
  const insn = bySlot(spec.insns)[slot];
  return insn ? formatInstruction(insn, slot, spec) : undefined;
}

function entryState(context: ContextSpec): State {
  const frame = newFrame(0, -1, false);
  if (context.entry === 'memory') {
    frame.regs[1] = pointerReg('mem', { size: context.size });
    frame.regs[2] = scalarReg(scalarConst(BigInt(context.size)));
  } else {
    frame.regs[1] = pointerReg('ctx');
  }
  frame.regs[10] = pointerReg('stack', { frame: 0 });
  return { insn: 0, frames: [frame], nextId: 1 };
}

/** combinedStack returns the deepest stack of any call chain, refusing chains over 512 bytes like Linux. */
function combinedStack(env: Env): number {
  const { entries, callees } = env.structure;
  const index = new Map(entries.map((e, f) => [e, f]));
  const memo = new Map<number, number>();
  const deepest = (f: number): number => {
    const known = memo.get(f);
    if (known !== undefined) return known;
    const own = (env.stackDepth[f]! + 7) & ~7;
    let below = 0;
    for (const callee of callees[f]!) below = Math.max(below, deepest(index.get(callee)!));
    memo.set(f, own + below);
    return own + below;
  };
  const total = deepest(0);
  if (total > STACK_SIZE) {
    throw new VerifierError({
      insn: 0,
      disassembly: '',
      registers: '',
      reason: `combined stack size of the call chain is ${total} bytes; the limit is ${STACK_SIZE}`,
      log: '',
    });
  }
  return total;
}
