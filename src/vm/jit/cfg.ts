// Control-flow graph of one eBPF function: basic blocks, reverse postorder, dominators, loop headers.
import { isJump, jumpTarget } from '../../asm/control.js';
import type { Instruction } from '../../asm/instruction.js';
import { EXIT, JmpOp, OP_MASK } from '../../asm/opcodes.js';
import { InvalidProgram } from '../errors.js';

/*
 * Blocks live in parallel typed arrays indexed by block id, not in an object each: the JIT builds
 * a graph for every function at every load, mostly in a fresh process where V8 has not compiled
 * this code yet, and a few flat loops over numbers are what it runs (and later optimises) fastest.
 */

/** Term is how a basic block ends. */
export const Term = {
  /** `exit` at termSlot. */
  exit: 0,
  /** An unconditional `ja` at termSlot, or a fall-through into the next block (termSlot -1), to succ0. */
  goto: 1,
  /** A conditional jump at termSlot: succ0 when taken, succ1 when not. */
  branch: 2,
  /** Execution runs past the function's last instruction, at termSlot. */
  falloff: 3,
} as const;

/** Cfg is one function's graph restricted to the blocks reachable from its entry, in reverse postorder (block 0 is the entry). */
export interface Cfg {
  /** Number of reachable blocks; ids are 0 .. size-1. */
  readonly size: number;
  /** start[b], end[b]: block b is the straight run of slots [start, end). */
  readonly start: Int32Array;
  readonly end: Int32Array;
  /** count[b]: instructions in the block (lddw counts once), what the budget counter adds on entry. */
  readonly count: Int32Array;
  /** term[b]: a Term value. */
  readonly term: Uint8Array;
  /** termSlot[b]: the slot of the block's terminator (-1 for a fall-through goto). */
  readonly termSlot: Int32Array;
  /** succ0[b], succ1[b]: successor ids as Term describes (taken before fall-through), -1 where there is none. */
  readonly succ0: Int32Array;
  readonly succ1: Int32Array;
  /** idom[b] is b's immediate dominator (the entry's is itself). */
  readonly idom: Int32Array;
  /** loopHeader[b] is 1 when b is the target of a back edge. */
  readonly loopHeader: Uint8Array;
  /** True when every retreating edge goes to a block that dominates its source. */
  readonly reducible: boolean;
}

/**
 * buildCfg splits the function occupying slots [start, end) of `slots` into basic blocks.
 * Jumps that leave the function are refused with InvalidProgram.
 */
export function buildCfg(slots: readonly (Instruction | undefined)[], start: number, end: number): Cfg {
  const span = end - start;
  // leader[s - start] is 1 where a block starts; rawId then numbers blocks in slot order.
  const leader = new Uint8Array(span);
  leader[0] = 1;
  for (let s = start; s < end; s++) {
    const insn = slots[s];
    if (!insn) continue;
    if (insn.opcode === EXIT) {
      if (s + 1 < end) leader[s + 1 - start] = 1;
      continue;
    }
    if (!isJump(insn)) continue;
    const target = jumpTarget(insn, s);
    if (target < start || target >= end || slots[target] === undefined) {
      throw new InvalidProgram(s, `jump to insn #${target} is outside its function or into the middle of lddw`);
    }
    leader[target - start] = 1;
    if (s + 1 < end) leader[s + 1 - start] = 1;
  }
  const rawId = new Int32Array(span);
  let blocks = 0;
  for (let k = 0; k < span; k++) if (leader[k]) rawId[k] = blocks++;
  const raw = new RawBlocks(blocks);
  let b = 0;
  for (let k = 0; k < span; k++) {
    if (!leader[k]) continue;
    let to = k + 1;
    while (to < span && !leader[to]) to++;
    raw.split(b++, slots, start + k, start + to, end, rawId, start);
  }
  return analyse(raw);
}

/** RawBlocks are the blocks in slot order, before unreachable ones are dropped and the rest renumbered. */
class RawBlocks {
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly count: Int32Array;
  readonly term: Uint8Array;
  readonly termSlot: Int32Array;
  readonly succ0: Int32Array;
  readonly succ1: Int32Array;

  constructor(readonly size: number) {
    this.start = new Int32Array(size);
    this.end = new Int32Array(size);
    this.count = new Int32Array(size);
    this.term = new Uint8Array(size);
    this.termSlot = new Int32Array(size);
    this.succ0 = new Int32Array(size).fill(-1);
    this.succ1 = new Int32Array(size).fill(-1);
  }

  /** split records block b, slots [from, to) of the function ending at fnEnd; rawId[s - base] is the block starting at slot s. */
  split(b: number, slots: readonly (Instruction | undefined)[], from: number, to: number, fnEnd: number, rawId: Int32Array, base: number): void {
    let count = 0;
    let last = from;
    for (let s = from; s < to; s++) {
      if (slots[s]) {
        count++;
        last = s;
      }
    }
    this.start[b] = from;
    this.end[b] = to;
    this.count[b] = count;
    this.termSlot[b] = last;
    const insn = slots[last]!;
    if (insn.opcode === EXIT) {
      this.term[b] = Term.exit;
    } else if (isJump(insn)) {
      this.succ0[b] = rawId[jumpTarget(insn, last) - base]!;
      if ((insn.opcode & OP_MASK) === JmpOp.JA) {
        this.term[b] = Term.goto;
      } else {
        if (to >= fnEnd) throw new InvalidProgram(last, 'conditional jump falls through past the end of its function');
        this.term[b] = Term.branch;
        this.succ1[b] = rawId[to - base]!;
      }
    } else if (to >= fnEnd) {
      this.term[b] = Term.falloff;
    } else {
      this.term[b] = Term.goto;
      this.termSlot[b] = -1;
      this.succ0[b] = rawId[to - base]!;
    }
  }
}

function analyse(raw: RawBlocks): Cfg {
  // Depth-first postorder from the entry, iteratively (programs may have a million slots);
  // a block's successors are visited in order, taken before fall-through.
  const visited = new Uint8Array(raw.size);
  const post = new Int32Array(raw.size);
  let posts = 0;
  const stack = new Int32Array(raw.size);
  const next = new Uint8Array(raw.size);
  let top = 0;
  stack[0] = 0;
  visited[0] = 1;
  while (top >= 0) {
    const b = stack[top]!;
    const k = next[top]!;
    const s = k === 0 ? raw.succ0[b]! : k === 1 ? raw.succ1[b]! : -2;
    if (s === -2) {
      post[posts++] = b;
      top--;
      continue;
    }
    next[top] = k + 1;
    if (s >= 0 && !visited[s]) {
      visited[s] = 1;
      stack[++top] = s;
      next[top] = 0;
    }
  }
  // Reverse postorder: old block post[posts - 1 - id] becomes block id.
  const size = posts;
  const newId = new Int32Array(raw.size).fill(-1);
  for (let id = 0; id < size; id++) newId[post[size - 1 - id]!] = id;
  const cfg = {
    size,
    start: new Int32Array(size),
    end: new Int32Array(size),
    count: new Int32Array(size),
    term: new Uint8Array(size),
    termSlot: new Int32Array(size),
    succ0: new Int32Array(size),
    succ1: new Int32Array(size),
    idom: new Int32Array(size),
    loopHeader: new Uint8Array(size),
    reducible: true,
  };
  for (let id = 0; id < size; id++) {
    const old = post[size - 1 - id]!;
    cfg.start[id] = raw.start[old]!;
    cfg.end[id] = raw.end[old]!;
    cfg.count[id] = raw.count[old]!;
    cfg.term[id] = raw.term[old]!;
    cfg.termSlot[id] = raw.termSlot[old]!;
    const [s0, s1] = [raw.succ0[old]!, raw.succ1[old]!];
    cfg.succ0[id] = s0 < 0 ? -1 : newId[s0]!;
    cfg.succ1[id] = s1 < 0 ? -1 : newId[s1]!;
  }
  dominators(cfg);
  for (let id = 0; id < size; id++) {
    if (!retreat(cfg, id, cfg.succ0[id]!)) cfg.reducible = false;
    if (!retreat(cfg, id, cfg.succ1[id]!)) cfg.reducible = false;
  }
  return cfg;
}

/** retreat marks s a loop header when the edge b -> s goes back to a dominator; false when it goes back to anything else. */
function retreat(cfg: Pick<Cfg, 'idom' | 'loopHeader'>, b: number, s: number): boolean {
  if (s < 0 || s > b) return true;
  if (!dominates(cfg.idom, s, b)) return false;
  cfg.loopHeader[s] = 1;
  return true;
}

/**
 * predecessors returns each block's predecessors (an edge counted as often as it appears) in
 * compressed form: those of block b are list[first[b] .. first[b + 1]), in increasing order.
 */
export function predecessors(cfg: Pick<Cfg, 'size' | 'succ0' | 'succ1'>): { first: Int32Array; list: Int32Array } {
  const first = new Int32Array(cfg.size + 1);
  for (let b = 0; b < cfg.size; b++) {
    if (cfg.succ0[b]! >= 0) first[cfg.succ0[b]! + 1]!++;
    if (cfg.succ1[b]! >= 0) first[cfg.succ1[b]! + 1]!++;
  }
  for (let b = 0; b < cfg.size; b++) first[b + 1]! += first[b]!;
  const fill = first.slice(0, cfg.size);
  const list = new Int32Array(first[cfg.size]!);
  for (let b = 0; b < cfg.size; b++) {
    if (cfg.succ0[b]! >= 0) list[fill[cfg.succ0[b]!]!++] = b;
    if (cfg.succ1[b]! >= 0) list[fill[cfg.succ1[b]!]!++] = b;
  }
  return { first, list };
}

/** dominators fills cfg.idom for blocks numbered in reverse postorder (Cooper, Harvey, Kennedy). */
function dominators(cfg: Pick<Cfg, 'size' | 'succ0' | 'succ1' | 'idom'>): void {
  const { first, list } = predecessors(cfg);
  const idom = cfg.idom;
  idom.fill(-1);
  idom[0] = 0;
  for (let changed = true; changed; ) {
    changed = false;
    for (let b = 1; b < cfg.size; b++) {
      // Latest predecessors first: along a chain of branches to one target, each intersection
      // then climbs one step instead of the whole chain (quadratic for a 20,000-term OR).
      let next = -1;
      for (let k = first[b + 1]! - 1; k >= first[b]!; k--) {
        const p = list[k]!;
        if (idom[p] === -1) continue;
        next = next === -1 ? p : intersect(idom, p, next);
      }
      if (next !== idom[b]) {
        idom[b] = next;
        changed = true;
      }
    }
  }
}

function intersect(idom: Int32Array, a: number, b: number): number {
  while (a !== b) {
    while (a > b) a = idom[a]!;
    while (b > a) b = idom[b]!;
  }
  return a;
}

/** dominates reports whether block a dominates block b. */
export function dominates(idom: Int32Array, a: number, b: number): boolean {
  for (;;) {
    if (b === a) return true;
    if (b === 0) return false;
    b = idom[b]!;
  }
}
