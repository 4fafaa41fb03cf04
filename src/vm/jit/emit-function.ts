// Translates one eBPF function into a WebAssembly function: structured control flow over its basic blocks.
import type { Instruction } from '../../asm/instruction.js';
import { Class, CLASS_MASK, FRAME_POINTER, LDDW } from '../../asm/opcodes.js';
import { InvalidProgram, JitLimit } from '../errors.js';
import type { BlockTree } from './block-tree.js';
import { type Cfg, Term } from './cfg.js';
import { emitAlu, emitCondition, emitExtension } from './emit-alu.js';
import { emitCall } from './emit-call.js';
import { emitMemory } from './emit-memory.js';
import { lddwBefore } from './known-constant.js';
import { EXTRA_LOCALS, FUNCTION_TYPE, Local, REG_LOCAL } from './locals.js';
import { FaultKind, type ModuleContext } from './module-context.js';
import { Code } from './wasm-code.js';
import type { FunctionDef } from './wasm-module.js';
import { Op, ValType } from './wasm-opcodes.js';

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
 * compileFunction translates the function starting at slot `start`, whose graph is `graph` (or the
 * error refusing it, thrown here) and block tree `tree`; `fixedFrame` is its r10 when only one frame
 * can ever run it.
 * Reducible control flow
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
  graph: Cfg | InvalidProgram,
  tree: BlockTree,
  fixedFrame?: number,
): FunctionDef {
  if (graph instanceof InvalidProgram) throw graph;
  const cfg = graph;
  const c = new Code();
  // A known r10 turns every stack address into a constant: no registers held for them in loops.
  if (fixedFrame !== undefined) c.i64(fixedFrame).set(REG_LOCAL[FRAME_POINTER]!);
  c.globalGet(ctx.globals.inputStart).set(Local.inputStart);
  c.globalGet(ctx.globals.inputEnd).get(Local.inputStart).op(Op.i64_sub).set(Local.inputLength);
  // Budget checks branch out of this block with their slot; the fault call sits after it, at
  // the end of the function, so that V8 lays the cold path out of the hot loops' way.
  c.byte(Op.block).byte(ValType.i32);
  const structured = cfg.reducible && tree.nesting <= MAX_NESTING;
  if (!structured && cfg.size > MAX_DISPATCH_BLOCKS) {
    throw new JitLimit(start, ctx.program, `its function has ${cfg.size} basic blocks nested too deeply for structured control flow, and the fallback dispatcher takes at most ${MAX_DISPATCH_BLOCKS}; run it with the interpreter`);
  }
  const emitter = new FunctionEmitter(ctx, slots, cfg, tree, structured, c);
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
  /** lag[b]: the count local plus lag[b] is the number of instructions executed when block b starts. */
  private readonly lag: Int32Array;
  private readonly loopLabel: Int32Array;
  private readonly mergeLabel: Int32Array;
  private depth = 1;
  /** In dispatcher mode, the br depth from the block being written to the dispatch loop. */
  private dispatchDepth = 0;

  constructor(
    private readonly ctx: ModuleContext,
    private readonly slots: readonly (Instruction | undefined)[],
    private readonly cfg: Cfg,
    private readonly tree: BlockTree,
    /** structured: blocks are nested by the dominator tree (doTree); else the dispatcher runs them. */
    private readonly structured: boolean,
    private readonly c: Code,
  ) {
    // The dispatcher adds each block's count on entry: the local lags by the block's count at its start.
    this.lag = structured ? tree.lag : cfg.count.map((count) => -count);
    this.loopLabel = new Int32Array(cfg.size).fill(-1);
    this.mergeLabel = new Int32Array(cfg.size).fill(-1);
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

  /**
   * nodeWithin wraps x in one block per merge child (the latest outermost), so that each merge
   * child follows its block's end, and emits the merge children's trees after those ends.
   */
  private nodeWithin(x: number): void {
    const tree = this.tree;
    for (let y = tree.lastChild[x]!; y >= 0; y = tree.prevSibling[y]!) {
      if (!tree.wrapped[y]) continue;
      this.c.block();
      this.mergeLabel[y] = this.depth++;
    }
    this.emitBlock(x);
    for (let y = tree.firstChild[x]!; y >= 0; y = tree.nextSibling[y]!) {
      if (!tree.wrapped[y]) continue;
      this.mergeLabel[y] = -1;
      this.depth--;
      this.c.end();
      this.doTree(y);
    }
  }

  /** depthOf is the br depth of the label x reaches y by: the loop y heads on a back edge, else the block y follows. */
  private depthOf(x: number, y: number): number {
    const label = y <= x ? this.loopLabel[y]! : this.mergeLabel[y]!;
    if (label < 0) throw new Error(`jit: no enclosing label for block ${y}`);
    return this.depth - 1 - label;
  }

  /**
   * plainDepth is the br depth when x reaches `to` by a single br (a back edge to a loop, or a
   * wrapped merge block, with nothing to add to the count: a spanning-tree edge), else -1 (always
   * -1 for the dispatcher).
   */
  private plainDepth(x: number, to: number): number {
    if (!this.structured || this.cfg.count[x]! + this.lag[x]! !== this.lag[to]!) return -1;
    if (to > x && !this.tree.wrapped[to]) return -1;
    return this.depthOf(x, to);
  }

  /** transfer appends the jump from block x to block `to`, inside `opened` (0 or 1) labels its terminator opened. */
  private transfer(x: number, to: number, opened: number): void {
    const c = this.c;
    if (!this.structured) {
      c.i32(to).set(Local.pc).br(this.dispatchDepth + opened);
      return;
    }
    // What the edge adds to the count local (0 on spanning-tree edges).
    this.bump(this.cfg.count[x]! + this.lag[x]! - this.lag[to]!);
    this.depth += opened;
    if (to <= x || this.tree.wrapped[to]) c.br(this.depthOf(x, to));
    else if (this.tree.copied[to]) this.nodeWithin(to);
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
