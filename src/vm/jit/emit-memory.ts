// Translation of eBPF loads, stores and atomics to WebAssembly memory accesses, checked unless proven safe.
import type { Instruction } from '../../asm/instruction.js';
import { AtomicOp, Class, CLASS_MASK, FRAME_POINTER, Mode, MODE_MASK, sizeBytes } from '../../asm/opcodes.js';
import { FRAME_SIZE } from '../memory.js';
import { Local, REG_LOCAL } from './locals.js';
import type { ModuleContext } from './module-context.js';
import type { Code } from './wasm-code.js';
import { Op, ValType } from './wasm-opcodes.js';

const LOAD: Record<number, number> = { 1: Op.i64_load8_u, 2: Op.i64_load16_u, 4: Op.i64_load32_u, 8: Op.i64_load };
const LOAD_SIGNED: Record<number, number> = { 1: Op.i64_load8_s, 2: Op.i64_load16_s, 4: Op.i64_load32_s };
const STORE: Record<number, number> = { 1: Op.i64_store8, 2: Op.i64_store16, 4: Op.i64_store32, 8: Op.i64_store };

/** emitMemory appends a load (LDX), store (ST, STX) or atomic (STX|ATOMIC) instruction. */
export function emitMemory(c: Code, ctx: ModuleContext, insn: Instruction, slot: number): void {
  const cls = insn.opcode & CLASS_MASK;
  const size = sizeBytes(insn.opcode);
  const mode = insn.opcode & MODE_MASK;
  if (cls === Class.LDX) {
    const offset = emitAddress(c, ctx, insn.src, insn.offset, size, false, slot);
    c.mem(mode === Mode.MEMSX ? LOAD_SIGNED[size]! : LOAD[size]!, offset).set(REG_LOCAL[insn.dst]!);
    return;
  }
  if (mode === Mode.ATOMIC) return emitAtomic(c, ctx, insn, size, slot);
  const offset = emitAddress(c, ctx, insn.dst, insn.offset, size, true, slot);
  if (cls === Class.ST) c.i64(insn.imm);
  else c.get(REG_LOCAL[insn.src]!);
  c.mem(STORE[size]!, offset);
}

/**
 * emitAddress pushes the i32 address of [base + offset, +size) and returns the static offset
 * the access should carry. r10-relative accesses inside the frame (r10 is read-only, so they
 * are always in the stack) skip the run-time check, and so do loads the verifier proved.
 * Proven stores keep one compare against the writable range (memory.ts): should the proof be
 * wrong, the store faults instead of writing the context, the chunk or a read-only map.
 */
function emitAddress(c: Code, ctx: ModuleContext, base: number, offset: number, size: number, write: boolean, slot: number): number {
  const inFrame = base === FRAME_POINTER && offset >= -FRAME_SIZE && offset + size <= 0;
  if (inFrame || (ctx.safe(slot) && !write)) {
    c.get(REG_LOCAL[base]!).op(Op.i32_wrap_i64);
    if (offset >= 0) return offset;
    c.i32(offset).op(Op.i32_add);
    return 0;
  }
  c.get(REG_LOCAL[base]!);
  if (offset !== 0) c.i64(offset).op(Op.i64_add);
  if (write && ctx.safe(slot)) {
    // In range when a - start <= (end - start) - size, unsigned over all 64 bits.
    const { start, end } = ctx.writable;
    c.tee(Local.t64b).i64(start).op(Op.i64_sub).i64(end - start - size).op(Op.i64_le_u);
    c.ifResult(ValType.i32).get(Local.t64b).op(Op.i32_wrap_i64);
    c.else().get(Local.t64b).i32(slot).call(ctx.checkFunction(size, write)).end();
    return 0;
  }
  if (write && !ctx.writableInput) {
    c.i32(slot).call(ctx.checkFunction(size, write));
    return 0;
  }
  // Inline fast path for the input (the chunk), the usual target of unproven accesses:
  // a is in bounds when d = a - inputStart < length and d + size <= length (d < length < 2^32: no wrap).
  c.tee(Local.t64b).get(Local.inputStart).op(Op.i64_sub).tee(Local.t64a).get(Local.inputLength).op(Op.i64_lt_u);
  if (size > 1) c.get(Local.t64a).i64(size).op(Op.i64_add).get(Local.inputLength).op(Op.i64_le_u).op(Op.i32_and);
  c.ifResult(ValType.i32).get(Local.t64b).op(Op.i32_wrap_i64);
  c.else().get(Local.t64b).i32(slot).call(ctx.checkFunction(size, write)).end();
  return 0;
}

/** emitAtomic: Sluice runs one program at a time, so an atomic is a plain read-modify-write. */
function emitAtomic(c: Code, ctx: ModuleContext, insn: Instruction, size: number, slot: number): void {
  const address = emitAddress(c, ctx, insn.dst, insn.offset, size, true, slot);
  if (address !== 0) c.i32(address).op(Op.i32_add);
  c.set(Local.t32a);
  const load = size === 8 ? Op.i64_load : Op.i64_load32_u;
  const store = size === 8 ? Op.i64_store : Op.i64_store32;
  const src = REG_LOCAL[insn.src]!;
  const r0 = REG_LOCAL[0]!;
  c.get(Local.t32a).mem(load).set(Local.t64a); // old value, zero-extended for 32-bit atomics
  if (insn.imm === AtomicOp.CMPXCHG) {
    c.get(Local.t64a).get(r0);
    if (size === 4) c.i64(0xffffffffn).op(Op.i64_and);
    c.op(Op.i64_eq).ifThen();
    c.get(Local.t32a).get(src).mem(store).end();
    c.get(Local.t64a).set(r0);
    return;
  }
  c.get(Local.t32a);
  if (insn.imm === AtomicOp.XCHG) {
    c.get(src);
  } else {
    c.get(Local.t64a).get(src);
    c.op(ATOMIC_ALU[insn.imm & ~AtomicOp.FETCH]!);
  }
  c.mem(store);
  if (insn.imm & AtomicOp.FETCH) c.get(Local.t64a).set(src);
}

const ATOMIC_ALU: Record<number, number> = {
  [AtomicOp.ADD]: Op.i64_add,
  [AtomicOp.OR]: Op.i64_or,
  [AtomicOp.AND]: Op.i64_and,
  [AtomicOp.XOR]: Op.i64_xor,
};
