// Control-flow graph of one eBPF function: basic blocks, reverse postorder, dominators, loop headers.
import { isJump, jumpTarget } from '../../asm/control.js';
import type { Instruction } from '../../asm/instruction.js';
import { EXIT, JmpOp, OP_MASK } from '../../asm/opcodes.js';
import { InvalidProgram } from '../errors.js';

/*
 * Blocks live in parallel typed arrays indexed by block id, not in an object each, and every pass
 * runs once over all functions of the program. The JIT builds these graphs at every load, mostly
 * in a fresh process: V8 interprets this code first and compiles a loop that runs long where it
 * runs (on-stack replacement), then compiles the whole function again when it is called again; a
 * pass called once per program is compiled once.
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
  /** Each block's predecessors (an edge counted as often as it appears), in increasing order: those of b are predList[predFirst[b] .. predFirst[b + 1]). */
  readonly predFirst: Int32Array;
  predList: Int32Array;
  /** loopHeader[b] is 1 when b is the target of a back edge. */
  readonly loopHeader: Uint8Array;
  /** True when every retreating edge goes to a block that dominates its source. */
  reducible: boolean;
}

/** buildCfg is the graph of the one function occupying slots [start, end) (buildCfgs for a whole program). */
export function buildCfg(slots: readonly (Instruction | undefined)[], start: number, end: number): Cfg {
  const graph = buildCfgs(slots, [start], end)[0]!;
  if (graph instanceof InvalidProgram) throw graph;
  return graph;
}

/**
 * buildCfgs splits each function of a program into basic blocks: function k occupies slots
 * [starts[k], starts[k + 1]) (the last one up to `end`; starts sorted). Entry k is function k's
 * graph, or the InvalidProgram error refusing it (a jump leaving it, or a conditional jump past
 * its end), for the caller to throw when it comes to that function.
 */
export function buildCfgs(slots: readonly (Instruction | undefined)[], starts: readonly number[], end: number = slots.length): (Cfg | InvalidProgram)[] {
  const functions = starts.length;
  const errors: (InvalidProgram | undefined)[] = starts.map(() => undefined);
  // leader[s] is 1 where a block starts; blockAt[s] is then that block's number, all functions' blocks in slot order.
  const leader = new Uint8Array(end);
  markLeaders(slots, starts, end, leader, errors);
  const blockAt = new Int32Array(end);
  const rawFirst = new Int32Array(functions + 1);
  const raw = new RawBlocks(numberLeaders(starts, end, leader, blockAt, rawFirst));
  splitBlocks(raw, slots, starts, end, leader, blockAt, errors);
  const post = new Int32Array(raw.size);
  const sizes = new Int32Array(functions);
  postorder(raw, rawFirst, errors, post, sizes, new Uint8Array(raw.size), new Int32Array(raw.size), new Uint8Array(raw.size));
  const graphs = [...sizes].map((size) => emptyCfg(size));
  renumber(raw, rawFirst, post, new Int32Array(raw.size).fill(-1), graphs);
  const edges = new Int32Array(functions);
  countEdges(graphs, edges);
  for (let k = 0; k < functions; k++) graphs[k]!.predList = new Int32Array(edges[k]!);
  listEdges(graphs);
  dominators(graphs);
  findLoops(graphs);
  return graphs.map((graph, k) => errors[k] ?? graph);
}

/** emptyCfg allocates the arrays of a graph of `size` blocks (idom -1 filled). */
export function emptyCfg(size: number): Cfg & { predList: Int32Array } {
  return {
    size,
    start: new Int32Array(size),
    end: new Int32Array(size),
    count: new Int32Array(size),
    term: new Uint8Array(size),
    termSlot: new Int32Array(size),
    succ0: new Int32Array(size),
    succ1: new Int32Array(size),
    idom: new Int32Array(size).fill(-1),
    predFirst: new Int32Array(size + 1),
    predList: new Int32Array(0),
    loopHeader: new Uint8Array(size),
    reducible: true,
  };
}

/** markLeaders sets leader[s] for each slot s that starts a block: function entries, jump targets, and the slots after jumps and exits. */
function markLeaders(
  slots: readonly (Instruction | undefined)[],
  starts: readonly number[],
  end: number,
  leader: Uint8Array,
  errors: (InvalidProgram | undefined)[],
): void {
  for (let k = 0; k < starts.length; k++) {
    const [first, last] = [starts[k]!, starts[k + 1] ?? end];
    leader[first] = 1;
    for (let s = first; s < last; s++) {
      const insn = slots[s];
      if (!insn) continue;
      if (insn.opcode === EXIT) {
        if (s + 1 < last) leader[s + 1] = 1;
        continue;
      }
      if (!isJump(insn)) continue;
      const target = jumpTarget(insn, s);
      if (target < first || target >= last || slots[target] === undefined) {
        errors[k] = new InvalidProgram(s, `jump to insn #${target} is outside its function or into the middle of lddw`);
        break;
      }
      leader[target] = 1;
      if (s + 1 < last) leader[s + 1] = 1;
    }
  }
}

/** numberLeaders numbers the leaders in slot order into blockAt, function k's blocks from rawFirst[k]; returns how many there are. */
function numberLeaders(starts: readonly number[], end: number, leader: Uint8Array, blockAt: Int32Array, rawFirst: Int32Array): number {
  let blocks = 0;
  let k = 0;
  for (let s = starts[0]!; s < end; s++) {
    while (k < starts.length && starts[k] === s) rawFirst[k++] = blocks;
    if (leader[s]) blockAt[s] = blocks++;
  }
  while (k <= starts.length) rawFirst[k++] = blocks;
  return blocks;
}

/** splitBlocks records the blocks of every function not refused yet in `raw`, in slot order. */
function splitBlocks(
  raw: RawBlocks,
  slots: readonly (Instruction | undefined)[],
  starts: readonly number[],
  end: number,
  leader: Uint8Array,
  blockAt: Int32Array,
  errors: (InvalidProgram | undefined)[],
): void {
  for (let k = 0; k < starts.length; k++) {
    if (errors[k]) continue;
    const [first, last] = [starts[k]!, starts[k + 1] ?? end];
    let b = blockAt[first]!;
    let from = first;
    let count = 0;
    let lastInsn = first;
    for (let s = first; s <= last; s++) {
      if (s === last || (s > first && leader[s])) {
        const error = raw.close(b++, slots, from, s, count, lastInsn, last, blockAt);
        if (error) {
          errors[k] = error;
          break;
        }
        from = s;
        count = 0;
      }
      if (s < last && slots[s]) {
        count++;
        lastInsn = s;
      }
    }
  }
}

/** RawBlocks are all functions' blocks in slot order, before unreachable ones are dropped and the rest renumbered per function. */
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

  /**
   * close records block b: slots [from, to) holding `count` instructions, the last at slot `last`,
   * in a function ending at fnEnd; blockAt[s] is the number of the block starting at slot s.
   * Returns the error refusing the function, if the block ends in a conditional jump past its end.
   */
  close(
    b: number,
    slots: readonly (Instruction | undefined)[],
    from: number,
    to: number,
    count: number,
    last: number,
    fnEnd: number,
    blockAt: Int32Array,
  ): InvalidProgram | undefined {
    this.start[b] = from;
    this.end[b] = to;
    this.count[b] = count;
    this.termSlot[b] = last;
    const insn = slots[last]!;
    if (insn.opcode === EXIT) {
      this.term[b] = Term.exit;
    } else if (isJump(insn)) {
      this.succ0[b] = blockAt[jumpTarget(insn, last)]!;
      if ((insn.opcode & OP_MASK) === JmpOp.JA) {
        this.term[b] = Term.goto;
      } else {
        if (to >= fnEnd) return new InvalidProgram(last, 'conditional jump falls through past the end of its function');
        this.term[b] = Term.branch;
        this.succ1[b] = blockAt[to]!;
      }
    } else if (to >= fnEnd) {
      this.term[b] = Term.falloff;
    } else {
      this.term[b] = Term.goto;
      this.termSlot[b] = -1;
      this.succ0[b] = blockAt[to]!;
    }
    return undefined;
  }
}

/**
 * postorder writes, for each function k not refused, the blocks reachable from its entry to post
 * (from rawFirst[k] on) in depth-first postorder, and their number to sizes[k]: iteratively
 * (programs may have a million slots), a block's successors in order, taken before fall-through.
 * The last three arrays are scratch of raw.size entries.
 */
function postorder(
  raw: RawBlocks,
  rawFirst: Int32Array,
  errors: readonly (InvalidProgram | undefined)[],
  post: Int32Array,
  sizes: Int32Array,
  visited: Uint8Array,
  stack: Int32Array,
  next: Uint8Array,
): void {
  for (let k = 0; k < sizes.length; k++) {
    if (errors[k]) continue;
    const base = rawFirst[k]!;
    let posts = base;
    let top = 0;
    stack[0] = base;
    next[0] = 0;
    visited[base] = 1;
    while (top >= 0) {
      const b = stack[top]!;
      const n = next[top]!;
      const s = n === 0 ? raw.succ0[b]! : n === 1 ? raw.succ1[b]! : -2;
      if (s === -2) {
        post[posts++] = b;
        top--;
        continue;
      }
      next[top] = n + 1;
      if (s >= 0 && !visited[s]) {
        visited[s] = 1;
        stack[++top] = s;
        next[top] = 0;
      }
    }
    sizes[k] = posts - base;
  }
}

/**
 * renumber copies each function's reachable blocks into its graph in reverse postorder (old block
 * post[base + size - 1 - id] becomes block id, base = rawFirst[k]); newId is -1 filled scratch.
 */
function renumber(raw: RawBlocks, rawFirst: Int32Array, post: Int32Array, newId: Int32Array, graphs: readonly Cfg[]): void {
  for (let k = 0; k < graphs.length; k++) {
    const cfg = graphs[k]!;
    const last = rawFirst[k]! + cfg.size - 1;
    for (let id = 0; id < cfg.size; id++) newId[post[last - id]!] = id;
    for (let id = 0; id < cfg.size; id++) {
      const old = post[last - id]!;
      cfg.start[id] = raw.start[old]!;
      cfg.end[id] = raw.end[old]!;
      cfg.count[id] = raw.count[old]!;
      cfg.term[id] = raw.term[old]!;
      cfg.termSlot[id] = raw.termSlot[old]!;
      const s0 = raw.succ0[old]!;
      const s1 = raw.succ1[old]!;
      cfg.succ0[id] = s0 < 0 ? -1 : newId[s0]!;
      cfg.succ1[id] = s1 < 0 ? -1 : newId[s1]!;
    }
  }
}

/**
 * countEdges sets each graph's predFirst[b] to the number of edges into the blocks before b (an
 * edge counted as often as it appears), and edges[k] to graph k's total.
 */
function countEdges(graphs: readonly Cfg[], edges: Int32Array): void {
  for (let k = 0; k < graphs.length; k++) {
    const cfg = graphs[k]!;
    const first = cfg.predFirst;
    for (let b = 0; b < cfg.size; b++) {
      if (cfg.succ0[b]! >= 0) first[cfg.succ0[b]! + 1]!++;
      if (cfg.succ1[b]! >= 0) first[cfg.succ1[b]! + 1]!++;
    }
    for (let b = 0; b < cfg.size; b++) first[b + 1]! += first[b]!;
    edges[k] = first[cfg.size]!;
  }
}

/** listEdges writes each edge's source into its target's part of predList: those of b end up in increasing order. */
function listEdges(graphs: readonly Cfg[]): void {
  for (const cfg of graphs) {
    const next = cfg.predFirst.slice(0, cfg.size);
    for (let b = 0; b < cfg.size; b++) {
      if (cfg.succ0[b]! >= 0) cfg.predList[next[cfg.succ0[b]!]!++] = b;
      if (cfg.succ1[b]! >= 0) cfg.predList[next[cfg.succ1[b]!]!++] = b;
    }
  }
}

/** findLoops marks the target of every back edge a loop header, and calls a graph irreducible when a retreating edge goes to a block that does not dominate its source. */
function findLoops(graphs: Cfg[]): void {
  for (const cfg of graphs) {
    for (let id = 0; id < cfg.size; id++) {
      if (!retreat(cfg, id, cfg.succ0[id]!)) cfg.reducible = false;
      if (!retreat(cfg, id, cfg.succ1[id]!)) cfg.reducible = false;
    }
  }
}

/** retreat marks s a loop header when the edge b -> s goes back to a dominator; false when it goes back to anything else. */
function retreat(cfg: Pick<Cfg, 'idom' | 'loopHeader'>, b: number, s: number): boolean {
  if (s < 0 || s > b) return true;
  if (!dominates(cfg.idom, s, b)) return false;
  cfg.loopHeader[s] = 1;
  return true;
}

/** dominators fills each graph's idom (-1 filled) for blocks numbered in reverse postorder, given their predecessors (Cooper, Harvey, Kennedy). */
function dominators(graphs: readonly Cfg[]): void {
  for (const cfg of graphs) {
    const [first, list, idom] = [cfg.predFirst, cfg.predList, cfg.idom];
    idom[0] = 0;
    // Without a retreating edge every predecessor comes first in reverse postorder, so one pass
    // finds every dominator; otherwise passes repeat until nothing changes.
    const acyclic = !hasRetreat(cfg);
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
          changed = !acyclic;
        }
      }
    }
  }
}

/** hasRetreat reports whether some edge goes to a block not after its source (a loop, or an irreducible jump back). */
function hasRetreat(cfg: Cfg): boolean {
  for (let b = 0; b < cfg.size; b++) if ((cfg.succ0[b]! >= 0 && cfg.succ0[b]! <= b) || (cfg.succ1[b]! >= 0 && cfg.succ1[b]! <= b)) return true;
  return false;
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
