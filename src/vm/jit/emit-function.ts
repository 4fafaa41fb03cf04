// Translates one eBPF function into a WebAssembly function: structured control flow over its basic blocks.
import type { Instruction } from '../../asm/instruction.js';
import { Class, CLASS_MASK, FRAME_POINTER, LDDW } from '../../asm/opcodes.js';
import { InvalidProgram, JitLimit } from '../errors.js';
import { buildCfg, type Cfg, predecessors, Term } from './cfg.js';
import { emitAlu, emitCondition, emitExtension } from './emit-alu.js';
import { emitCall } from './emit-call.js';
import { emitMemory } from './emit-memory.js';
import { lddwBefore } from './known-constant.js';
import { EXTRA_LOCALS, FUNCTION_TYPE, Local, REG_LOCAL } from './locals.js';
import { FaultKind, type ModuleContext } from './module-context.js';
import { Code } from './wasm-code.js';
import type { FunctionDef } from './wasm-module.js';
import { Op, ValType } from './wasm-opcodes.js';

/** COPY_MAX_INSNS and COPY_BUDGET_INSNS bound tail duplication: block size, and instructions copied per function. */
const COPY_MAX_INSNS = 4;
const COPY_BUDGET_INSNS = 64;

/**
 * MAX_NESTING bounds the structured translation, which recurses once per level of the dominator
 * tree and once per merge block wrapped around a block: a long chain of branches (a 1,500-term
 * OR) would otherwise overflow the host stack. Deeper functions use the dispatcher, whose
 * translation is one flat pass over the blocks.
 */
export const MAX_NESTING = 600;
/** MAX_DISPATCH_BLOCKS is the largest br_table V8 accepts (65,520 targets): the dispatcher's limit. */
export const MAX_DISPATCH_BLOCKS = 65_520;

/**
 * compileFunction translates the function occupying slots [start, end); `fixedFrame` is its r10
 * when only one frame can ever run it. Reducible control flow
 * (every loop has one entry, which is what compilers emit) becomes nested wasm blocks and loops,
 * after Ramsey's "Beyond Relooper" (ICFP 2022); anything else falls back to a loop over a
 * br_table dispatcher, which is slower but handles any graph.
 *
 * Instruction counting in structured mode adds to the count local on the edges of the graph
 * that are not in a spanning tree, not in every block (after Ball and Larus's edge placement):
 * each block b gets a potential lag(b), the length of its tree path from the entry, and the
 * local plus lag(b) is the exact count when b starts. Tree edges then need no add at all, and a
 * loop whose body is a tree path pays one add per iteration, on its back edge.
 */
export function compileFunction(
  ctx: ModuleContext,
  slots: readonly (Instruction | undefined)[],
  start: number,
  end: number,
  fixedFrame?: number,
): FunctionDef {
  const cfg = buildCfg(slots, start, end);
  const c = new Code();
  // A known r10 turns every stack address into a constant: no registers held for them in loops.
  if (fixedFrame !== undefined) c.i64(fixedFrame).set(REG_LOCAL[FRAME_POINTER]!);
  c.globalGet(ctx.globals.inputStart).set(Local.inputStart);
  c.globalGet(ctx.globals.inputEnd).get(Local.inputStart).op(Op.i64_sub).set(Local.inputLength);
  // Budget checks branch out of this block with their slot; the fault call sits after it, at
  // the end of the function, so that V8 lays the cold path out of the hot loops' way.
  c.byte(Op.block).byte(ValType.i32);
  const structured = cfg.reducible && nestingDepth(cfg) <= MAX_NESTING;
  if (!structured && cfg.size > MAX_DISPATCH_BLOCKS) {
    throw new JitLimit(start, ctx.program, `its function has ${cfg.size} basic blocks nested too deeply for structured control flow, and the fallback dispatcher takes at most ${MAX_DISPATCH_BLOCKS}; run it with the interpreter`);
  }
  const emitter = new FunctionEmitter(ctx, slots, cfg, structured, c);
  if (structured) emitter.doTree(0);
  else emitter.dispatch();
  c.op(Op.unreachable).end();
  c.set(Local.t32a).i32(FaultKind.budget).get(Local.t32a).call(ctx.imports.fault);
  c.op(Op.unreachable);
  return { type: FUNCTION_TYPE, locals: EXTRA_LOCALS, body: c.finish().slice() };
}

/**
 * FunctionEmitter writes one function's blocks. The wasm labels enclosing the code being written
 * (what a `br` depth counts) are a stack: `depth` labels deep, the outermost (index 0) the block
 * whose end calls the budget fault; loopLabel[b] and mergeLabel[b] are the stack index of the
 * loop that block b heads and of the block that b follows, or -1 while neither is open.
 */
class FunctionEmitter {
  /** Dominator-tree children of block x: childList[childFirst[x] .. childFirst[x + 1]), in increasing order. */
  private readonly childFirst: Int32Array;
  private readonly childList: Int32Array;
  /** forwardPreds[b]: edges into b from blocks before it (with multiplicity); 2 or more makes b a merge block. */
  private readonly forwardPreds: Int32Array;
  /** lag[b]: the count local plus lag[b] is the number of instructions executed when block b starts. */
  private readonly lag: Int32Array;
  /** copied[b] is 1 for a small merge block copied into each predecessor instead of reached by a br (tail duplication). */
  private readonly copied: Uint8Array;
  private readonly loopLabel: Int32Array;
  private readonly mergeLabel: Int32Array;
  private depth = 1;
  /** In dispatcher mode, the br depth from the block being written to the dispatch loop. */
  private dispatchDepth = 0;

  constructor(
    private readonly ctx: ModuleContext,
    private readonly slots: readonly (Instruction | undefined)[],
    private readonly cfg: Cfg,
    /** structured: blocks are nested by the dominator tree (doTree); else the dispatcher runs them. */
    private readonly structured: boolean,
    private readonly c: Code,
  ) {
    const n = cfg.size;
    this.childFirst = new Int32Array(n + 1);
    for (let b = 1; b < n; b++) this.childFirst[cfg.idom[b]! + 1]!++;
    for (let b = 0; b < n; b++) this.childFirst[b + 1]! += this.childFirst[b]!;
    this.childList = new Int32Array(Math.max(n - 1, 0));
    const fill = this.childFirst.slice(0, n);
    for (let b = 1; b < n; b++) this.childList[fill[cfg.idom[b]!]!++] = b;
    this.forwardPreds = new Int32Array(n);
    for (let b = 0; b < n; b++) {
      if (cfg.succ0[b]! > b) this.forwardPreds[cfg.succ0[b]!]!++;
      if (cfg.succ1[b]! > b) this.forwardPreds[cfg.succ1[b]!]!++;
    }
    this.lag = structured ? treeLag(cfg) : cfg.count.map((count) => -count);
    this.copied = structured ? this.pickCopies() : new Uint8Array(n);
    this.loopLabel = new Int32Array(n).fill(-1);
    this.mergeLabel = new Int32Array(n).fill(-1);
  }

  /** edgeCount is what the edge x -> y adds to the count local (0 on spanning-tree edges). */
  private edgeCount(x: number, y: number): number {
    if (!this.structured) return 0;
    return this.cfg.count[x]! + this.lag[x]! - this.lag[y]!;
  }

  private bump(amount: number): void {
    if (amount !== 0) this.c.get(Local.count).i64(amount).op(Op.i64_add).set(Local.count);
  }

  /** doTree emits block x and the blocks it dominates; loop headers open a wasm loop. */
  doTree(x: number): void {
    if (!this.cfg.loopHeader[x]) return this.nodeWithin(x);
    this.c.loop();
    this.loopLabel[x] = this.depth++;
    this.nodeWithin(x);
    this.loopLabel[x] = -1;
    this.depth--;
    this.c.end();
  }

  /** dispatch emits every block inside one loop that selects the next block with br_table. */
  dispatch(): void {
    const c = this.c;
    const n = this.cfg.size;
    c.loop();
    this.checkBudget(this.cfg.start[0]!, 0, 1);
    for (let k = 0; k < n; k++) c.block();
    c.get(Local.pc).brTable([...Array(n).keys()], n - 1).end();
    for (let k = 0; k < n; k++) {
      this.dispatchDepth = n - 1 - k;
      this.emitBlock(k);
      if (k < n - 1) c.end();
    }
    c.end();
  }

  private isMerge(b: number): boolean {
    return this.forwardPreds[b]! >= 2;
  }

  /** isWrapped reports whether block y is a merge block reached by a br to the end of a block wrapped around its dominator. */
  private isWrapped(y: number): boolean {
    return this.isMerge(y) && !this.copied[y];
  }

  /**
   * pickCopies chooses the merge blocks to copy into their predecessors: small ones (at most
   * COPY_MAX_INSNS) that dominate nothing, so every copy's successors are labels that enclose
   * each copy (loops, or merge blocks of a common dominator). A loop's shared tail then runs
   * inline on each path instead of behind an extra jump. Copies are capped per function.
   */
  private pickCopies(): Uint8Array {
    const cfg = this.cfg;
    const copies = new Int32Array(cfg.size).fill(1);
    const { first, list } = predecessors(cfg);
    const picked = new Uint8Array(cfg.size);
    let budget = COPY_BUDGET_INSNS;
    for (let b = 0; b < cfg.size; b++) {
      const count = cfg.count[b]!;
      if (!this.isMerge(b) || this.childFirst[b + 1]! > this.childFirst[b]! || cfg.loopHeader[b] || count > COPY_MAX_INSNS) continue;
      let n = 0;
      for (let k = first[b]!; k < first[b + 1]!; k++) n += copies[list[k]!]!;
      if (n * count > budget) continue;
      budget -= n * count;
      copies[b] = n;
      picked[b] = 1;
    }
    return picked;
  }

  /**
   * nodeWithin wraps x in one block per merge child (the latest outermost), so that each merge
   * child follows its block's end, and emits the merge children's trees after those ends.
   */
  private nodeWithin(x: number): void {
    const [first, last] = [this.childFirst[x]!, this.childFirst[x + 1]!];
    for (let k = last - 1; k >= first; k--) {
      const y = this.childList[k]!;
      if (!this.isWrapped(y)) continue;
      this.c.block();
      this.mergeLabel[y] = this.depth++;
    }
    this.emitBlock(x);
    for (let k = first; k < last; k++) {
      const y = this.childList[k]!;
      if (!this.isWrapped(y)) continue;
      this.mergeLabel[y] = -1;
      this.depth--;
      this.c.end();
      this.doTree(y);
    }
  }

  /** isLabel reports whether x reaches y by a br: a back edge to a loop, or a merge block that is not copied. */
  private isLabel(x: number, y: number): boolean {
    return y <= x || this.isWrapped(y);
  }

  /** depthOf is the br depth of the label x reaches y by: the loop y heads on a back edge, else the block y follows. */
  private depthOf(x: number, y: number): number {
    const label = y <= x ? this.loopLabel[y]! : this.mergeLabel[y]!;
    if (label < 0) throw new Error(`jit: no enclosing label for block ${y}`);
    return this.depth - 1 - label;
  }

  /** plainDepth is the br depth when x reaches `to` by a single br, else -1 (always -1 for the dispatcher). */
  private plainDepth(x: number, to: number): number {
    if (!this.structured || this.edgeCount(x, to) !== 0 || !this.isLabel(x, to)) return -1;
    return this.depthOf(x, to);
  }

  /** transfer appends the jump from block x to block `to`, inside `opened` (0 or 1) labels its terminator opened. */
  private transfer(x: number, to: number, opened: number): void {
    const c = this.c;
    if (!this.structured) {
      c.i32(to).set(Local.pc).br(this.dispatchDepth + opened);
      return;
    }
    this.bump(this.edgeCount(x, to));
    this.depth += opened;
    if (this.isLabel(x, to)) c.br(this.depthOf(x, to));
    else if (this.copied[to]) this.nodeWithin(to);
    else this.doTree(to);
    this.depth -= opened;
  }

  /** emitBlock emits block b's count update, instructions and terminator. */
  private emitBlock(b: number): void {
    const cfg = this.cfg;
    const c = this.c;
    const lag = this.lag[b]!;
    const start = cfg.start[b]!;
    const term = cfg.term[b]!;
    const termSlot = cfg.termSlot[b]!;
    // The br depth of the outermost block, whose end calls the budget fault.
    const budgetDepth = this.structured ? this.depth - 1 : this.dispatchDepth + 1;
    if (!this.structured) this.bump(cfg.count[b]!);
    if (cfg.loopHeader[b]) this.checkBudget(start, lag, budgetDepth);
    const bodyEnd = term === Term.falloff || termSlot < 0 ? cfg.end[b]! : termSlot;
    let executed = 0;
    for (let s = start; s < bodyEnd; s++) {
      const insn = this.slots[s];
      if (!insn) continue;
      const next = s + 1 < bodyEnd ? this.slots[s + 1] : undefined;
      if (next && emitExtension(c, insn, next)) {
        executed += 2;
        s++;
        continue;
      }
      this.emitInstruction(insn, s, lag + ++executed, start);
    }
    switch (term) {
      case Term.exit:
        this.bump(lag + cfg.count[b]!);
        this.checkBudget(termSlot, 0, budgetDepth);
        c.get(REG_LOCAL[0]!).get(Local.count).op(Op.return);
        return;
      case Term.falloff:
        c.i32(FaultKind.fallOff).i32(termSlot).call(this.ctx.imports.fault).op(Op.unreachable);
        return;
      case Term.goto:
        return this.transfer(b, cfg.succ0[b]!, 0);
      default:
        return this.emitBranch(b, termSlot, cfg.succ0[b]!, cfg.succ1[b]!);
    }
  }

  /** emitBranch uses br_if when one side is a plain br, else an if/else with both sides inside. */
  private emitBranch(x: number, slot: number, taken: number, fallthrough: number): void {
    const c = this.c;
    emitCondition(c, this.slots[slot]!);
    const takenDepth = this.plainDepth(x, taken);
    if (takenDepth >= 0) {
      c.brIf(takenDepth);
      return this.transfer(x, fallthrough, 0);
    }
    const fallDepth = this.plainDepth(x, fallthrough);
    if (fallDepth >= 0) {
      c.op(Op.i32_eqz).brIf(fallDepth);
      return this.transfer(x, taken, 0);
    }
    // The fall-through side goes first: compilers make it the likely path, and V8 lays out
    // an if's then-arm right after the test.
    c.op(Op.i32_eqz).ifThen();
    this.transfer(x, fallthrough, 1);
    c.else();
    this.transfer(x, taken, 1);
    c.end();
  }

  /**
   * emitInstruction appends one non-terminator of the block starting at `blockStart`; `executed`
   * is the exact count after it, minus the local.
   */
  private emitInstruction(insn: Instruction, slot: number, executed: number, blockStart: number): void {
    const c = this.c;
    switch (insn.opcode & CLASS_MASK) {
      case Class.ALU:
      case Class.ALU64:
        return emitAlu(c, insn);
      case Class.LD:
        if (insn.opcode !== LDDW) throw new InvalidProgram(slot, 'legacy packet access is not supported');
        c.i64(this.ctx.constant(insn, slot)).set(REG_LOCAL[insn.dst]!);
        return;
      case Class.LDX:
      case Class.ST:
      case Class.STX:
        return emitMemory(c, this.ctx, insn, slot);
      default:
        return emitCall(c, this.ctx, insn, slot, executed, (reg) => lddwBefore(this.slots, blockStart, slot, reg));
    }
  }

  /** checkBudget branches to the budget fault (`depth` labels out) when the local plus `lag` is over the budget. */
  private checkBudget(slot: number, lag: number, depth: number): void {
    const c = this.c;
    c.i32(slot);
    c.get(Local.count).i64(this.ctx.budget - BigInt(lag)).op(Op.i64_gt_s).brIf(depth);
    c.op(Op.drop);
  }
}

/**
 * nestingDepth bounds how deeply doTree recurses: one level per dominator-tree edge, plus one
 * per sibling, since each may be a merge block that nodeWithin wraps around its dominator.
 */
function nestingDepth(cfg: Cfg): number {
  const children = new Int32Array(cfg.size);
  for (let b = 1; b < cfg.size; b++) children[cfg.idom[b]!]!++;
  // Blocks are numbered in reverse postorder, so a dominator's id is below its children's.
  const depth = new Int32Array(cfg.size);
  let deepest = 0;
  for (let b = 1; b < cfg.size; b++) {
    const parent = cfg.idom[b]!;
    depth[b] = depth[parent]! + 1 + children[parent]!;
    deepest = Math.max(deepest, depth[b]!);
  }
  return deepest;
}

/**
 * treeLag picks a spanning tree of the graph (each block's parent is a forward predecessor,
 * preferring the one it follows in the program text, which compilers make the likely path)
 * and returns each block's tree-path instruction count from the entry.
 */
function treeLag(cfg: Cfg): Int32Array {
  const parent = new Int32Array(cfg.size).fill(-1);
  const adopt = (b: number, s: number) => {
    if (s <= b) return;
    const followsInText = cfg.start[s] === cfg.end[b];
    if (parent[s] === -1 || followsInText) parent[s] = b;
  };
  for (let b = 0; b < cfg.size; b++) {
    adopt(b, cfg.succ0[b]!);
    adopt(b, cfg.succ1[b]!);
  }
  const lag = new Int32Array(cfg.size);
  for (let b = 1; b < cfg.size; b++) lag[b] = lag[parent[b]!]! + cfg.count[parent[b]!]!;
  return lag;
}
