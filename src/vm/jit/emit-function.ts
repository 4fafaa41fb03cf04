// Translates one eBPF function into a WebAssembly function: structured control flow over its basic blocks.
import type { Instruction } from '../../asm/instruction.js';
import { Class, CLASS_MASK, FRAME_POINTER, LDDW } from '../../asm/opcodes.js';
import { InvalidProgram, JitLimit } from '../errors.js';
import { buildCfg, type Cfg } from './cfg.js';
import { emitAlu, emitCondition, emitExtension } from './emit-alu.js';
import { emitCall } from './emit-call.js';
import { emitMemory } from './emit-memory.js';
import { lddwBefore } from './known-constant.js';
import { EXTRA_LOCALS, FUNCTION_TYPE, Local, REG_LOCAL } from './locals.js';
import { FaultKind, type ModuleContext } from './module-context.js';
import { Code } from './wasm-code.js';
import type { FunctionDef } from './wasm-module.js';
import { Op, ValType } from './wasm-opcodes.js';

/** Frame is one enclosing structured construct, innermost last: what a `br` depth counts. */
type Frame =
  | { readonly kind: 'loop'; readonly header: number }
  | { readonly kind: 'block'; readonly follow: number }
  | { readonly kind: 'if' }
  | { readonly kind: 'budget' };

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

/** OUTERMOST is the block around the whole body whose end calls the budget fault (see compileFunction). */
const OUTERMOST: readonly Frame[] = [{ kind: 'budget' }];

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
  if (!structured && cfg.blocks.length > MAX_DISPATCH_BLOCKS) {
    throw new JitLimit(start, ctx.program, `its function has ${cfg.blocks.length} basic blocks nested too deeply for structured control flow, and the fallback dispatcher takes at most ${MAX_DISPATCH_BLOCKS}; run it with the interpreter`);
  }
  const emitter = new FunctionEmitter(ctx, slots, cfg, structured, c);
  if (structured) emitter.doTree(0, OUTERMOST);
  else emitter.dispatch();
  c.op(Op.unreachable).end();
  c.set(Local.t32a).i32(FaultKind.budget).get(Local.t32a).call(ctx.imports.fault);
  c.op(Op.unreachable);
  return { type: FUNCTION_TYPE, locals: EXTRA_LOCALS, body: c.finish().slice() };
}

/** Transfers says how a terminator reaches another block; `opened` counts labels the terminator opened. */
interface Transfers {
  /** budgetDepth is the br depth of the outermost block (budget faults) at the terminator. */
  readonly budgetDepth: number;
  /** plainDepth is the br depth when reaching `to` is a single br, else undefined. */
  plainDepth(to: number, opened: number): number | undefined;
  /** emit appends the transfer to `to`. */
  emit(to: number, opened: number): void;
}

class FunctionEmitter {
  private readonly children: number[][];
  private readonly forwardPreds: number[];
  /** lag[b]: the count local plus lag[b] is the number of instructions executed when block b starts. */
  private readonly lag: number[];
  /** Small merge blocks copied into each predecessor instead of reached by a br (tail duplication). */
  private readonly copied: ReadonlySet<number>;

  constructor(
    private readonly ctx: ModuleContext,
    private readonly slots: readonly (Instruction | undefined)[],
    private readonly cfg: Cfg,
    /** structured: blocks are nested by the dominator tree (doTree); else the dispatcher runs them. */
    private readonly structured: boolean,
    private readonly c: Code,
  ) {
    this.children = cfg.blocks.map(() => []);
    cfg.idom.forEach((parent, b) => {
      if (b !== 0) this.children[parent]!.push(b);
    });
    this.forwardPreds = cfg.blocks.map(() => 0);
    for (const b of cfg.blocks) for (const s of b.succs) if (s > b.id) this.forwardPreds[s]!++;
    this.lag = structured ? treeLag(cfg) : cfg.blocks.map((b) => -b.count);
    this.copied = structured ? this.pickCopies() : new Set();
  }

  /** edgeCount is what the edge x -> y adds to the count local (0 on spanning-tree edges). */
  private edgeCount(x: number, y: number): number {
    if (!this.structured) return 0;
    return this.cfg.blocks[x]!.count + this.lag[x]! - this.lag[y]!;
  }

  private bump(amount: number): void {
    if (amount !== 0) this.c.get(Local.count).i64(amount).op(Op.i64_add).set(Local.count);
  }

  /** doTree emits block x and the blocks it dominates; loop headers open a wasm loop. */
  doTree(x: number, frames: readonly Frame[]): void {
    const merges = this.children[x]!.filter((y) => this.isMerge(y) && !this.copied.has(y)).sort((a, b) => b - a);
    if (!this.cfg.loopHeaders.has(x)) return this.nodeWithin(x, merges, frames);
    this.c.loop();
    this.nodeWithin(x, merges, [...frames, { kind: 'loop', header: x }]);
    this.c.end();
  }

  /** dispatch emits every block inside one loop that selects the next block with br_table. */
  dispatch(): void {
    const c = this.c;
    const n = this.cfg.blocks.length;
    c.loop();
    this.checkBudget(this.cfg.blocks[0]!.start, 0, 1);
    for (let k = 0; k < n; k++) c.block();
    c.get(Local.pc).brTable([...Array(n).keys()], n - 1).end();
    for (let k = 0; k < n; k++) {
      const depthToLoop = n - 1 - k;
      this.emitBlock(k, {
        budgetDepth: depthToLoop + 1,
        plainDepth: () => undefined,
        emit: (to, opened) => {
          c.i32(to).set(Local.pc).br(depthToLoop + opened);
        },
      });
      if (k < n - 1) c.end();
    }
    c.end();
  }

  private isMerge(b: number): boolean {
    return this.forwardPreds[b]! >= 2;
  }

  /**
   * pickCopies chooses the merge blocks to copy into their predecessors: small ones (at most
   * COPY_MAX_INSNS) that dominate nothing, so every copy's successors are labels that enclose
   * each copy (loops, or merge blocks of a common dominator). A loop's shared tail then runs
   * inline on each path instead of behind an extra jump. Copies are capped per function.
   */
  private pickCopies(): Set<number> {
    const copies = this.cfg.blocks.map(() => 1);
    // Each block's predecessors once (edges counted with multiplicity), not a scan of all blocks per candidate.
    const preds: number[][] = this.cfg.blocks.map(() => []);
    for (const p of this.cfg.blocks) for (const s of p.succs) preds[s]!.push(p.id);
    const picked = new Set<number>();
    let budget = COPY_BUDGET_INSNS;
    for (const b of this.cfg.blocks) {
      if (!this.isMerge(b.id) || this.children[b.id]!.length > 0 || this.cfg.loopHeaders.has(b.id) || b.count > COPY_MAX_INSNS) continue;
      let n = 0;
      for (const p of preds[b.id]!) n += copies[p]!;
      if (n * b.count > budget) continue;
      budget -= n * b.count;
      copies[b.id] = n;
      picked.add(b.id);
    }
    return picked;
  }

  /** nodeWithin wraps x in one block per merge child, so that each merge child follows its block's end. */
  private nodeWithin(x: number, merges: readonly number[], frames: readonly Frame[]): void {
    if (merges.length === 0) {
      this.emitBlock(x, {
        budgetDepth: frames.length - 1,
        plainDepth: (to, opened) =>
          this.edgeCount(x, to) === 0 && this.isLabel(x, to) ? this.depthOf(to, to <= x, frames) + opened : undefined,
        emit: (to, opened) => {
          this.bump(this.edgeCount(x, to));
          const inner: readonly Frame[] = opened === 0 ? frames : [...frames, { kind: 'if' }];
          if (this.isLabel(x, to)) this.c.br(this.depthOf(to, to <= x, inner));
          else if (this.copied.has(to)) this.nodeWithin(to, [], inner);
          else this.doTree(to, inner);
        },
      });
      return;
    }
    const [outer, ...rest] = merges as [number, ...number[]];
    this.c.block();
    this.nodeWithin(x, rest, [...frames, { kind: 'block', follow: outer }]);
    this.c.end();
    this.doTree(outer, frames);
  }

  /** isLabel reports whether x reaches y by a br: a back edge to a loop, or a merge block that is not copied. */
  private isLabel(x: number, y: number): boolean {
    return y <= x || (this.isMerge(y) && !this.copied.has(y));
  }

  private depthOf(y: number, backward: boolean, frames: readonly Frame[]): number {
    for (let k = frames.length - 1; k >= 0; k--) {
      const f = frames[k]!;
      if (backward ? f.kind === 'loop' && f.header === y : f.kind === 'block' && f.follow === y) return frames.length - 1 - k;
    }
    throw new Error(`jit: no enclosing label for block ${y}`);
  }

  /** emitBlock emits block b's count update, instructions and terminator. */
  private emitBlock(b: number, transfers: Transfers): void {
    const block = this.cfg.blocks[b]!;
    const c = this.c;
    const lag = this.lag[b]!;
    if (!this.structured) this.bump(block.count);
    if (this.cfg.loopHeaders.has(b)) this.checkBudget(block.start, lag, transfers.budgetDepth);
    const term = block.term;
    const bodyEnd = term.kind === 'falloff' || (term.kind === 'goto' && term.slot === undefined) ? block.end : term.slot!;
    let executed = 0;
    for (let s = block.start; s < bodyEnd; s++) {
      const insn = this.slots[s];
      if (!insn) continue;
      const next = s + 1 < bodyEnd ? this.slots[s + 1] : undefined;
      if (next && emitExtension(c, insn, next)) {
        executed += 2;
        s++;
        continue;
      }
      this.emitInstruction(insn, s, lag + ++executed, block.start);
    }
    switch (term.kind) {
      case 'exit':
        this.bump(lag + block.count);
        this.checkBudget(term.slot, 0, transfers.budgetDepth);
        c.get(REG_LOCAL[0]!).get(Local.count).op(Op.return);
        return;
      case 'falloff':
        c.i32(FaultKind.fallOff).i32(term.slot).call(this.ctx.imports.fault).op(Op.unreachable);
        return;
      case 'goto':
        return transfers.emit(term.target, 0);
      case 'branch':
        return this.emitBranch(term.slot, term.taken, term.fallthrough, transfers);
    }
  }

  /** emitBranch uses br_if when one side is a plain br, else an if/else with both sides inside. */
  private emitBranch(slot: number, taken: number, fallthrough: number, transfers: Transfers): void {
    const c = this.c;
    emitCondition(c, this.slots[slot]!);
    const takenDepth = transfers.plainDepth(taken, 0);
    if (takenDepth !== undefined) {
      c.brIf(takenDepth);
      return transfers.emit(fallthrough, 0);
    }
    const fallDepth = transfers.plainDepth(fallthrough, 0);
    if (fallDepth !== undefined) {
      c.op(Op.i32_eqz).brIf(fallDepth);
      return transfers.emit(taken, 0);
    }
    // The fall-through side goes first: compilers make it the likely path, and V8 lays out
    // an if's then-arm right after the test.
    c.op(Op.i32_eqz).ifThen();
    transfers.emit(fallthrough, 1);
    c.else();
    transfers.emit(taken, 1);
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
  const children = cfg.blocks.map(() => 0);
  for (let b = 1; b < cfg.blocks.length; b++) children[cfg.idom[b]!]!++;
  // Blocks are numbered in reverse postorder, so a dominator's id is below its children's.
  const depth = cfg.blocks.map(() => 0);
  let deepest = 0;
  for (let b = 1; b < cfg.blocks.length; b++) {
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
function treeLag(cfg: Cfg): number[] {
  const parent = cfg.blocks.map(() => -1);
  for (const b of cfg.blocks) {
    for (const s of b.succs) {
      if (s <= b.id) continue;
      const followsInText = cfg.blocks[s]!.start === b.end;
      if (parent[s] === -1 || followsInText) parent[s] = b.id;
    }
  }
  const lag = cfg.blocks.map(() => 0);
  for (let b = 1; b < cfg.blocks.length; b++) lag[b] = lag[parent[b]!]! + cfg.blocks[parent[b]!]!.count;
  return lag;
}
