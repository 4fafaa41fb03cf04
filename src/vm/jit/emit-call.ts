// Translation of helper calls (through the runtime's helper frame), callx, and local calls to sub-programs.
import { HelperId } from '../../asm/helpers.js';
import type { Instruction } from '../../asm/instruction.js';
import { CALLX, CallSrc, FRAME_POINTER } from '../../asm/opcodes.js';
import { InvalidProgram } from '../errors.js';
import { FRAME_SIZE, HELPER_FRAME, STACK_BASE } from '../memory.js';
import { Local, REG_LOCAL } from './locals.js';
import { FaultKind, type ModuleContext } from './module-context.js';
import type { Code } from './wasm-code.js';
import { Op } from './wasm-opcodes.js';

/**
 * emitCall appends a `call` (helper or local) or `callx`; r0 receives the result. The count
 * local plus `countOffset` is the number of instructions executed so far, this call included
 * (see emit-function.ts for why the local lags behind); callees add to the count global.
 */
export function emitCall(c: Code, ctx: ModuleContext, insn: Instruction, slot: number, countOffset: number): void {
  const counted: Counted = { c, ctx, offset: countOffset };
  if (insn.opcode === CALLX) {
    const target = REG_LOCAL[insn.dst]!;
    const pushId = () => c.get(target).op(Op.i32_wrap_i64).get(target).i64(32).op(Op.i64_shr_u).op(Op.i32_wrap_i64);
    emitHelper(counted, pushId, slot, ctx.imports.callx);
    return;
  }
  if (insn.src === CallSrc.LOCAL) return emitLocalCall(counted, slot + 1 + insn.imm, slot);
  if (insn.src !== CallSrc.HELPER) throw new InvalidProgram(slot, 'kernel function calls (kfuncs) are not supported');
  if (insn.imm === HelperId.map_lookup_elem) return emitLookup(c, ctx, slot);
  emitHelper(counted, () => c.i32(insn.imm), slot, ctx.imports.helper);
}

/** Counted is what a call needs to publish the instruction count to callees and take it back. */
interface Counted {
  readonly c: Code;
  readonly ctx: ModuleContext;
  readonly offset: number;
}

function publishCount({ c, ctx, offset }: Counted): void {
  c.get(Local.count);
  if (offset !== 0) c.i64(offset).op(Op.i64_add);
  c.globalSet(ctx.globals.count);
}

function reloadCount({ c, ctx, offset }: Counted): void {
  c.globalGet(ctx.globals.count);
  if (offset !== 0) c.i64(offset).op(Op.i64_sub);
  c.set(Local.count);
}

/**
 * emitHelper stores r1..r5 into the helper frame, calls the runtime through `importIndex`
 * (arguments: what `pushId` pushes, then the slot) and loads r0 back. Every helper may run
 * callbacks (bpf_loop, or callx of it), so they see the instruction count and the caller's
 * frame pointer in globals, and the count is reloaded afterwards.
 */
function emitHelper(counted: Counted, pushId: () => void, slot: number, importIndex: number): void {
  const { c, ctx } = counted;
  for (let r = 1; r <= 5; r++) c.i32(HELPER_FRAME + 8 * r).get(REG_LOCAL[r]!).mem(Op.i64_store);
  publishCount(counted);
  c.get(REG_LOCAL[FRAME_POINTER]!).globalSet(ctx.globals.fp);
  pushId();
  c.i32(slot).call(importIndex);
  reloadCount(counted);
  c.i32(HELPER_FRAME).mem(Op.i64_load).set(REG_LOCAL[0]!);
}

/** emitLookup passes map_lookup_elem's two arguments as 32-bit halves: no BigInt at the boundary. */
function emitLookup(c: Code, ctx: ModuleContext, slot: number): void {
  for (const r of [1, 2]) {
    c.get(REG_LOCAL[r]!).op(Op.i32_wrap_i64);
    c.get(REG_LOCAL[r]!).i64(32).op(Op.i64_shr_u).op(Op.i32_wrap_i64);
  }
  c.i32(slot).call(ctx.imports.lookup).op(Op.i64_extend_i32_u).set(REG_LOCAL[0]!);
}

/** emitLocalCall calls the sub-program's function with r1..r5 and the next frame's r10. */
function emitLocalCall(counted: Counted, target: number, slot: number): void {
  const { c, ctx } = counted;
  const callee = ctx.callee(target, slot);
  const fp = REG_LOCAL[FRAME_POINTER]!;
  // The callee's frame is [fp - 2 * FRAME_SIZE, fp - FRAME_SIZE): it must not go below the stack.
  c.get(fp).i64(STACK_BASE + 2 * FRAME_SIZE).op(Op.i64_lt_u).ifThen();
  c.i32(FaultKind.callDepth).i32(slot).call(ctx.imports.fault).end();
  publishCount(counted);
  for (let r = 1; r <= 5; r++) c.get(REG_LOCAL[r]!);
  c.get(fp).i64(FRAME_SIZE).op(Op.i64_sub);
  c.call(callee).set(REG_LOCAL[0]!);
  reloadCount(counted);
}
