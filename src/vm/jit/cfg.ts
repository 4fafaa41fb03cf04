// Control-flow graph of one eBPF function: basic blocks, reverse postorder, dominators, loop headers.
import { isJump, jumpTarget } from '../../asm/control.js';
import type { Instruction } from '../../asm/instruction.js';
import { EXIT, JmpOp, OP_MASK } from '../../asm/opcodes.js';
import { InvalidProgram } from '../errors.js';

/** Terminator is how a basic block ends. */
export type Terminator =
  | { readonly kind: 'exit'; readonly slot: number }
  /** An unconditional `ja` (slot set) or a fall-through into the next block (slot undefined). */
  | { readonly kind: 'goto'; readonly target: number; readonly slot?: number }
  | { readonly kind: 'branch'; readonly slot: number; readonly taken: number; readonly fallthrough: number }
  /** Execution runs past the function's last instruction. */
  | { readonly kind: 'falloff'; readonly slot: number };

/** BasicBlock is a maximal straight run of instructions [start, end) (slot indexes) and its terminator. */
export interface BasicBlock {
  readonly id: number;
  readonly start: number;
  readonly end: number;
  /** Instructions in the block (lddw counts once), what the budget counter adds on entry. */
  readonly count: number;
  readonly term: Terminator;
  /** Successor block ids (by terminator: taken before fall-through). */
  readonly succs: readonly number[];
}

/** Cfg is one function's graph restricted to the blocks reachable from its entry. */
export interface Cfg {
  /** Reachable blocks in reverse postorder; blocks[0] is the entry. Ids index this array. */
  readonly blocks: readonly BasicBlock[];
  /** idom[b] is b's immediate dominator (the entry's is itself). */
  readonly idom: readonly number[];
  /** Blocks that are the target of a back edge. */
  readonly loopHeaders: ReadonlySet<number>;
  /** True when every retreating edge goes to a block that dominates its source. */
  readonly reducible: boolean;
}

/**
 * buildCfg splits the function occupying slots [start, end) of `slots` into basic blocks.
 * Jumps that leave the function are refused with InvalidProgram.
 */
export function buildCfg(slots: readonly (Instruction | undefined)[], start: number, end: number): Cfg {
  const leaders = new Set<number>([start]);
  for (let s = start; s < end; s++) {
    const insn = slots[s];
    if (!insn) continue;
    if (!isJump(insn)) continue;
    const target = jumpTarget(insn, s);
    if (target < start || target >= end || slots[target] === undefined) {
      throw new InvalidProgram(s, `jump to insn #${target} is outside its function or into the middle of lddw`);
    }
    leaders.add(target);
    if (s + 1 < end) leaders.add(s + 1);
  }
  for (let s = start; s < end; s++) if (slots[s]?.opcode === EXIT && s + 1 < end) leaders.add(s + 1);

  const starts = [...leaders].sort((a, b) => a - b);
  const blockAt = new Map(starts.map((s, k) => [s, k]));
  const raw = starts.map((from, k) => splitBlock(slots, from, starts[k + 1] ?? end, end, blockAt));
  return analyse(raw);
}

interface RawBlock {
  start: number;
  end: number;
  count: number;
  term: Terminator;
  succs: number[];
}

function splitBlock(
  slots: readonly (Instruction | undefined)[],
  from: number,
  to: number,
  fnEnd: number,
  blockAt: Map<number, number>,
): RawBlock {
  let count = 0;
  let last = from;
  for (let s = from; s < to; s++) {
    if (slots[s]) {
      count++;
      last = s;
    }
  }
  const insn = slots[last]!;
  const target = isJump(insn) ? jumpTarget(insn, last) : undefined;
  const block = (slot: number) => blockAt.get(slot)!;
  let term: Terminator;
  if (insn.opcode === EXIT) term = { kind: 'exit', slot: last };
  else if (target !== undefined && (insn.opcode & OP_MASK) === JmpOp.JA) term = { kind: 'goto', target: block(target), slot: last };
  else if (target !== undefined) term = { kind: 'branch', slot: last, taken: block(target), fallthrough: nextBlock(to, fnEnd, last, block) };
  else if (to >= fnEnd) term = { kind: 'falloff', slot: last };
  else term = { kind: 'goto', target: block(to) };
  const succs = term.kind === 'goto' ? [term.target] : term.kind === 'branch' ? [term.taken, term.fallthrough] : [];
  return { start: from, end: to, count, term, succs };
}

function nextBlock(to: number, fnEnd: number, slot: number, block: (s: number) => number): number {
  if (to >= fnEnd) throw new InvalidProgram(slot, 'conditional jump falls through past the end of its function');
  return block(to);
}

function analyse(raw: readonly RawBlock[]): Cfg {
  // Depth-first postorder from the entry, iteratively (programs may have a million slots).
  const visited = new Uint8Array(raw.length);
  const post: number[] = [];
  const stack: { b: number; next: number }[] = [{ b: 0, next: 0 }];
  visited[0] = 1;
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const succs = raw[top.b]!.succs;
    if (top.next < succs.length) {
      const s = succs[top.next++]!;
      if (!visited[s]) {
        visited[s] = 1;
        stack.push({ b: s, next: 0 });
      }
    } else {
      post.push(top.b);
      stack.pop();
    }
  }
  const order = post.reverse();
  const newId = new Map(order.map((old, k) => [old, k]));
  const blocks: BasicBlock[] = order.map((old, id) => renumber(raw[old]!, id, newId));
  const preds: number[][] = blocks.map(() => []);
  for (const b of blocks) for (const s of b.succs) preds[s]!.push(b.id);
  const idom = dominators(blocks.length, preds);
  const loopHeaders = new Set<number>();
  let reducible = true;
  for (const b of blocks) {
    for (const s of b.succs) {
      if (s > b.id) continue;
      if (dominates(idom, s, b.id)) loopHeaders.add(s);
      else reducible = false;
    }
  }
  return { blocks, idom, loopHeaders, reducible };
}

function renumber(b: RawBlock, id: number, newId: Map<number, number>): BasicBlock {
  const map = (old: number) => newId.get(old)!;
  const t = b.term;
  const term: Terminator =
    t.kind === 'goto'
      ? { ...t, target: map(t.target) }
      : t.kind === 'branch'
        ? { ...t, taken: map(t.taken), fallthrough: map(t.fallthrough) }
        : t;
  return { id, start: b.start, end: b.end, count: b.count, term, succs: b.succs.map(map) };
}

/** dominators computes immediate dominators of blocks numbered in reverse postorder (Cooper, Harvey, Kennedy). */
function dominators(n: number, preds: readonly number[][]): number[] {
  const idom = new Array<number>(n).fill(-1);
  idom[0] = 0;
  for (let changed = true; changed; ) {
    changed = false;
    for (let b = 1; b < n; b++) {
      // Latest predecessors first: along a chain of branches to one target, each intersection
      // then climbs one step instead of the whole chain (quadratic for a 20,000-term OR).
      let next = -1;
      const from = preds[b]!;
      for (let k = from.length - 1; k >= 0; k--) {
        const p = from[k]!;
        if (idom[p] === -1) continue;
        next = next === -1 ? p : intersect(idom, p, next);
      }
      if (next !== idom[b]) {
        idom[b] = next;
        changed = true;
      }
    }
  }
  return idom;
}

function intersect(idom: readonly number[], a: number, b: number): number {
  while (a !== b) {
    while (a > b) a = idom[a]!;
    while (b > a) b = idom[b]!;
  }
  return a;
}

/** dominates reports whether block a dominates block b. */
export function dominates(idom: readonly number[], a: number, b: number): boolean {
  for (;;) {
    if (b === a) return true;
    if (b === 0) return false;
    b = idom[b]!;
  }
}
