// What the structured emitter needs to know about each block: dominator-tree children, merge blocks, tail copies, count lags, nesting.
import type { Cfg } from './cfg.js';

/** COPY_MAX_INSNS and COPY_BUDGET_INSNS bound tail duplication: block size, and instructions copied per function. */
const COPY_MAX_INSNS = 4;
const COPY_BUDGET_INSNS = 64;

/**
 * BlockTree holds per-block facts in typed arrays indexed by block id. Two passes over the blocks
 * in id order find them all, each run once for all a program's graphs (a fresh process runs this
 * code before V8 has compiled it: each extra pass, or a pass run again per function, is another loop
 * to interpret and compile).
 */
export interface BlockTree {
  /** Dominator-tree children as a doubly linked list in increasing order: firstChild/lastChild of a block, next/prevSibling of a child; -1 ends. */
  readonly firstChild: Int32Array;
  readonly lastChild: Int32Array;
  readonly nextSibling: Int32Array;
  readonly prevSibling: Int32Array;
  /**
   * lag[b]: the length of b's path from the entry in a spanning tree (each block's parent is a
   * forward predecessor, preferring the one it follows in the program text, which compilers make
   * the likely path). Counting adds nothing on tree edges (see compileFunction).
   */
  readonly lag: Int32Array;
  /**
   * copied[b] is 1 for a small merge block (at most COPY_MAX_INSNS) that dominates nothing, copied into
   * each predecessor instead of reached by a br: every copy's successors are labels that enclose each copy
   * (loops, or merge blocks of a common dominator), so a loop's shared tail runs inline on each path.
   * Copies are capped per function.
   */
  readonly copied: Uint8Array;
  /** wrapped[b] is 1 for a merge block (two or more forward edges in) that is not copied: a block around its dominator ends where b starts. */
  readonly wrapped: Uint8Array;
  /**
   * nesting bounds how deeply the structured emission recurses: one level per dominator-tree edge,
   * plus one per sibling, since each may be a merge block wrapped around its dominator.
   */
  readonly nesting: number;
}

/** blockTrees works out the BlockTree of each graph (of all a program's functions at once). */
export function blockTrees(graphs: readonly Cfg[]): BlockTree[] {
  const trees = graphs.map((cfg) => emptyTree(cfg.size));
  const scratches = graphs.map((cfg) => ({
    children: new Int32Array(cfg.size),
    forwardPreds: new Int32Array(cfg.size),
    parent: new Int32Array(cfg.size).fill(-1),
    depth: new Int32Array(cfg.size),
    copies: new Int32Array(cfg.size).fill(1),
  }));
  linkBlocks(graphs, trees, scratches);
  placeBlocks(graphs, trees, scratches);
  return trees;
}

function emptyTree(n: number): BlockTree & { nesting: number } {
  return {
    firstChild: new Int32Array(n).fill(-1),
    lastChild: new Int32Array(n).fill(-1),
    nextSibling: new Int32Array(n).fill(-1),
    prevSibling: new Int32Array(n).fill(-1),
    lag: new Int32Array(n),
    copied: new Uint8Array(n),
    wrapped: new Uint8Array(n),
    nesting: 0,
  };
}

interface Scratch {
  /** Dominator-tree children per block. */
  readonly children: Int32Array;
  /** Edges into each block from blocks before it (with multiplicity). */
  readonly forwardPreds: Int32Array;
  /** Each block's spanning-tree parent. */
  readonly parent: Int32Array;
  /** Nesting depth per block, and the number of paths reaching each block once copies are made. */
  readonly depth: Int32Array;
  readonly copies: Int32Array;
}

/**
 * linkBlocks, in id order (reverse postorder: a block's dominator and forward predecessors come
 * before it), links each block under its dominator, counts children and forward edges, picks
 * spanning-tree parents and sums the lags.
 */
function linkBlocks(graphs: readonly Cfg[], trees: readonly BlockTree[], scratches: readonly Scratch[]): void {
  for (let g = 0; g < graphs.length; g++) {
    const [cfg, tree] = [graphs[g]!, trees[g]!];
    const { children, forwardPreds, parent } = scratches[g]!;
    for (let b = 0; b < cfg.size; b++) {
      if (b > 0) {
        const up = cfg.idom[b]!;
        const last = tree.lastChild[up]!;
        if (last < 0) tree.firstChild[up] = b;
        else tree.nextSibling[last] = b;
        tree.prevSibling[b] = last;
        tree.lastChild[up] = b;
        children[up]!++;
        tree.lag[b] = tree.lag[parent[b]!]! + cfg.count[parent[b]!]!;
      }
      for (let k = 0; k < 2; k++) {
        const s = k === 0 ? cfg.succ0[b]! : cfg.succ1[b]!;
        if (s <= b) continue;
        forwardPreds[s]!++;
        if (parent[s] === -1 || cfg.start[s] === cfg.end[b]) parent[s] = b;
      }
    }
  }
}

/** placeBlocks, in id order, picks the copies, marks the wrapped merge blocks and sets the nesting bound. */
function placeBlocks(graphs: readonly Cfg[], trees: readonly (BlockTree & { nesting: number })[], scratches: readonly Scratch[]): void {
  for (let g = 0; g < graphs.length; g++) {
    const [cfg, tree] = [graphs[g]!, trees[g]!];
    const { children, forwardPreds, depth, copies } = scratches[g]!;
    let budget = COPY_BUDGET_INSNS;
    let deepest = 0;
    for (let b = 0; b < cfg.size; b++) {
      if (b > 0) {
        const up = cfg.idom[b]!;
        depth[b] = depth[up]! + 1 + children[up]!;
        if (depth[b]! > deepest) deepest = depth[b]!;
      }
      if (forwardPreds[b]! < 2) continue;
      const count = cfg.count[b]!;
      if (children[b]! === 0 && !cfg.loopHeader[b] && count <= COPY_MAX_INSNS) {
        let paths = 0;
        for (let k = cfg.predFirst[b]!; k < cfg.predFirst[b + 1]!; k++) paths += copies[cfg.predList[k]!]!;
        if (paths * count <= budget) {
          budget -= paths * count;
          copies[b] = paths;
          tree.copied[b] = 1;
          continue;
        }
      }
      tree.wrapped[b] = 1;
    }
    tree.nesting = deepest;
  }
}
