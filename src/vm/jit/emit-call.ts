// Translation of helper calls (through the runtime's helper frame), callx, and local calls to sub-programs.
import { HelperId } from '../../asm/helpers.js';
import { isLocalCall, namedFunction } from '../../asm/control.js';
import type { Instruction } from '../../asm/instruction.js';
import { CALLX, CallSrc, FRAME_POINTER, PseudoSrc } from '../../asm/opcodes.js';
import { InvalidProgram } from '../errors.js';
import { FRAME_SIZE, HELPER_FRAME, STACK_BASE, STACK_TOP } from '../memory.js';
import { type Counted, publishCount, pushExactCount, reloadCount, takeCount } from './counted.js';
import { emitNativeLoop } from './emit-loop.js';
import { emitEpochBump } from './lookup-cache.js';
import type { KnownLddw } from './known-constant.js';
import { Local, REG_LOCAL } from './locals.js';
import { FaultKind, type ModuleContext } from './module-context.js';
import type { Code } from './wasm-code.js';
import { Op } from './wasm-opcodes.js';

/** KnownRegister returns the lddw that set a register earlier in the call's basic block, if any. */
export type KnownRegister = (reg: number) => KnownLddw | undefined;

/**
 * emitCall appends a `call` (helper or local) or `callx`; r0 receives the result. The count
 * local plus `countOffset` is the number of instructions executed so far, this call included
 * (see emit-function.ts for why the local lags behind); functions take and return the count,
 * helpers see it in the count global.
 * `known` lets bpf_loop with a visible callback and map_lookup_elem on a visible array map
 * run entirely in wasm.
 */
export function emitCall(c: Code, ctx: ModuleContext, insn: Instruction, slot: number, countOffset: number, known: KnownRegister): void {
  const counted: Counted = { c, ctx, offset: countOffset };
  if (insn.opcode === CALLX) {
    const target = REG_LOCAL[insn.dst]!;
    const pushId = () => c.get(target).op(Op.i32_wrap_i64).get(target).i64(32).op(Op.i64_shr_u).op(Op.i32_wrap_i64);
    emitHelper(counted, pushId, slot, ctx.imports.callx);
    return;
  }
  if (isLocalCall(insn)) return emitLocalCall(counted, namedFunction(insn, slot)!, slot);
  if (insn.src !== CallSrc.HELPER) throw new InvalidProgram(slot, 'kernel function calls (kfuncs) are not supported');
  if (insn.imm === HelperId.map_lookup_elem) return emitLookup(c, ctx, slot, known(1));
  if (insn.imm === HelperId.loop) {
    const callback = known(2);
    if (callback?.insn.src === PseudoSrc.FUNC) {
      return emitNativeLoop(counted, ctx.callee(callback.slot + 1 + callback.insn.imm, callback.slot), slot);
    }
  }
  emitHelper(counted, () => c.i32(insn.imm), slot, ctx.imports.helper);
}

/**
 * emitHelper stores r1..r5 into the helper frame, calls the runtime through `importIndex`
 * (arguments: what `pushId` pushes, then the slot) and loads r0 back. Every helper may run
 * callbacks (bpf_loop, or callx of it), so they see the instruction count and the caller's
 * frame pointer in globals, and the count is reloaded afterwards, plus the helper's charge.
 */
function emitHelper(counted: Counted, pushId: () => void, slot: number, importIndex: number): void {
  const { c, ctx } = counted;
  for (let r = 1; r <= 5; r++) c.i32(HELPER_FRAME + 8 * r).get(REG_LOCAL[r]!).mem(Op.i64_store);
  publishCount(counted);
  c.get(REG_LOCAL[FRAME_POINTER]!).globalSet(ctx.globals.fp);
  pushId();
  c.i32(slot).call(importIndex);
  if (ctx.lookupCaches) emitEpochBump(c);
  reloadCount(counted);
  // The import returns what the helper was charged for copying or formatting: it counts as instructions.
  c.op(Op.i64_extend_i32_u).get(Local.count).op(Op.i64_add).set(Local.count);
  c.i32(HELPER_FRAME).mem(Op.i64_load).set(REG_LOCAL[0]!);
}

/**
 * emitLookup appends map_lookup_elem. On an array map known at compile time with the key on
 * the stack (always readable), the value address is computed inline: values sit `stride`
 * bytes apart from a fixed address. On a plain hash map known at compile time, a small cache
 * answers repeated keys in wasm (lookup-cache.ts). Otherwise the runtime is called with the two
 * arguments as 32-bit halves: no BigInt at the boundary.
 */
function emitLookup(c: Code, ctx: ModuleContext, slot: number, map: KnownLddw | undefined): void {
  const layout = map?.insn.src === PseudoSrc.MAP_FD ? ctx.arrayLayout(map.insn.imm) : undefined;
  const [r0, r2] = [REG_LOCAL[0]!, REG_LOCAL[2]!];
  const cached = map?.insn.src === PseudoSrc.MAP_FD ? ctx.cachedLookup(map.insn.imm) : undefined;
  if (cached !== undefined) {
    c.get(r2).i32(slot).call(cached).set(r0);
    return;
  }
  if (layout) {
    c.get(r2).i64(STACK_BASE).op(Op.i64_ge_u);
    c.get(r2).i64(STACK_TOP - 4).op(Op.i64_le_u).op(Op.i32_and).ifThen();
    c.get(r2).op(Op.i32_wrap_i64).mem(Op.i32_load).tee(Local.t32a);
    c.i32(layout.stride).op(Op.i32_mul).i32(layout.start).op(Op.i32_add).op(Op.i64_extend_i32_u);
    c.i64(0);
    c.get(Local.t32a).i32(layout.maxEntries).op(Op.i32_lt_u).op(Op.select).set(r0);
    c.else();
  }
  for (const r of [1, 2]) {
    c.get(REG_LOCAL[r]!).op(Op.i32_wrap_i64);
    c.get(REG_LOCAL[r]!).i64(32).op(Op.i64_shr_u).op(Op.i32_wrap_i64);
  }
  c.i32(slot).call(ctx.imports.lookup).op(Op.i64_extend_i32_u).set(r0);
  if (layout) c.end();
}

/** emitLocalCall calls the sub-program's function with r1..r5, the next frame's r10 and the count. */
function emitLocalCall(counted: Counted, target: number, slot: number): void {
  const { c, ctx } = counted;
  const callee = ctx.callee(target, slot);
  const fp = REG_LOCAL[FRAME_POINTER]!;
  // The callee's frame is [fp - 2 * FRAME_SIZE, fp - FRAME_SIZE): it must not go below the stack.
  c.get(fp).i64(STACK_BASE + 2 * FRAME_SIZE).op(Op.i64_lt_u).ifThen();
  c.i32(FaultKind.callDepth).i32(slot).call(ctx.imports.fault).end();
  for (let r = 1; r <= 5; r++) c.get(REG_LOCAL[r]!);
  c.get(fp).i64(FRAME_SIZE).op(Op.i64_sub);
  pushExactCount(counted);
  c.call(callee);
  takeCount(counted);
  c.set(REG_LOCAL[0]!);
}
