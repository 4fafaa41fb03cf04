// Translation of eBPF ALU/ALU64 instructions and jump conditions to WebAssembly, with the ISA's edge rules.
import type { Instruction } from '../../asm/instruction.js';
import { AluOp, Class, CLASS_MASK, JmpOp, OP_MASK, Source, SOURCE_MASK } from '../../asm/opcodes.js';
import { Local, REG_LOCAL } from './locals.js';
import type { Code } from './wasm-code.js';
import { Op, ValType } from './wasm-opcodes.js';

const SIMPLE64: Partial<Record<number, number>> = {
  [AluOp.ADD]: Op.i64_add,
  [AluOp.SUB]: Op.i64_sub,
  [AluOp.MUL]: Op.i64_mul,
  [AluOp.OR]: Op.i64_or,
  [AluOp.AND]: Op.i64_and,
  [AluOp.XOR]: Op.i64_xor,
  [AluOp.LSH]: Op.i64_shl, // wasm masks the count to 6 bits, as eBPF does
  [AluOp.RSH]: Op.i64_shr_u,
  [AluOp.ARSH]: Op.i64_shr_s,
};

const SIMPLE32: Partial<Record<number, number>> = {
  [AluOp.ADD]: Op.i32_add,
  [AluOp.SUB]: Op.i32_sub,
  [AluOp.MUL]: Op.i32_mul,
  [AluOp.OR]: Op.i32_or,
  [AluOp.AND]: Op.i32_and,
  [AluOp.XOR]: Op.i32_xor,
  [AluOp.LSH]: Op.i32_shl, // wasm masks the count to 5 bits, as eBPF does
  [AluOp.RSH]: Op.i32_shr_u,
  [AluOp.ARSH]: Op.i32_shr_s,
};

/** emitAlu appends the translation of one ALU or ALU64 instruction (writes the dst register's local). */
export function emitAlu(c: Code, insn: Instruction): void {
  const wide = (insn.opcode & CLASS_MASK) === Class.ALU64;
  const op = insn.opcode & OP_MASK;
  if (op === AluOp.END) return emitByteOrder(c, insn, wide);
  if (wide) emitAlu64(c, insn, op);
  else emitAlu32(c, insn, op);
}

function emitAlu64(c: Code, insn: Instruction, op: number): void {
  const dst = REG_LOCAL[insn.dst]!;
  const useReg = (insn.opcode & SOURCE_MASK) === Source.X;
  const simple = SIMPLE64[op];
  if (simple !== undefined) {
    c.get(dst);
    pushSource64(c, insn, useReg);
    c.op(simple).set(dst);
    return;
  }
  switch (op) {
    case AluOp.MOV:
      pushSource64(c, insn, useReg);
      if (useReg && insn.offset === 8) c.op(Op.i64_extend8_s);
      else if (useReg && insn.offset === 16) c.op(Op.i64_extend16_s);
      else if (useReg && insn.offset === 32) c.op(Op.i64_extend32_s);
      c.set(dst);
      return;
    case AluOp.NEG:
      c.i64(0).get(dst).op(Op.i64_sub).set(dst);
      return;
    case AluOp.DIV:
    case AluOp.MOD:
      if (!useReg) return emitDivModImm64(c, dst, op, insn.offset === 1, insn.imm);
      return emitDivModReg64(c, dst, REG_LOCAL[insn.src]!, op, insn.offset === 1);
  }
}

/** pushSource64 pushes the source operand: the src register, or the immediate sign-extended to 64 bits. */
function pushSource64(c: Code, insn: Instruction, useReg: boolean): void {
  if (useReg) c.get(REG_LOCAL[insn.src]!);
  else c.i64(insn.imm);
}

/** emitDivModImm64: a constant divisor needs no run-time guard; only 0 and (signed) -1 are special. */
function emitDivModImm64(c: Code, dst: number, op: number, signed: boolean, imm: number): void {
  const isDiv = op === AluOp.DIV;
  if (imm === 0) {
    if (isDiv) c.i64(0).set(dst); // x / 0 = 0; x % 0 = x (64-bit: unchanged)
    return;
  }
  if (signed && imm === -1) {
    if (isDiv) c.i64(0).get(dst).op(Op.i64_sub).set(dst);
    else c.i64(0).set(dst);
    return;
  }
  c.get(dst).i64(imm);
  c.op(isDiv ? (signed ? Op.i64_div_s : Op.i64_div_u) : signed ? Op.i64_rem_s : Op.i64_rem_u).set(dst);
}

/** emitDivModReg64 guards a register divisor: wasm traps on zero and on INT64_MIN / -1, eBPF does not. */
function emitDivModReg64(c: Code, dst: number, src: number, op: number, signed: boolean): void {
  const isDiv = op === AluOp.DIV;
  c.get(src).op(Op.i64_eqz).ifResult(ValType.i64);
  if (isDiv) c.i64(0);
  else c.get(dst);
  c.else();
  if (signed && isDiv) {
    c.get(src).i64(-1).op(Op.i64_eq).ifResult(ValType.i64);
    c.i64(0).get(dst).op(Op.i64_sub);
    c.else().get(dst).get(src).op(Op.i64_div_s).end();
  } else {
    // i64.rem_s(INT64_MIN, -1) is defined as 0 in wasm, which is eBPF's answer too.
    c.get(dst).get(src).op(isDiv ? Op.i64_div_u : signed ? Op.i64_rem_s : Op.i64_rem_u);
  }
  c.end().set(dst);
}

function emitAlu32(c: Code, insn: Instruction, op: number): void {
  const dst = REG_LOCAL[insn.dst]!;
  const useReg = (insn.opcode & SOURCE_MASK) === Source.X;
  const simple = SIMPLE32[op];
  if (simple !== undefined) {
    c.get(dst).op(Op.i32_wrap_i64);
    pushSource32(c, insn, useReg);
    c.op(simple);
  } else if (op === AluOp.MOV) {
    pushSource32(c, insn, useReg);
    if (useReg && insn.offset === 8) c.op(Op.i32_extend8_s);
    else if (useReg && insn.offset === 16) c.op(Op.i32_extend16_s);
  } else if (op === AluOp.NEG) {
    c.i32(0).get(dst).op(Op.i32_wrap_i64).op(Op.i32_sub);
  } else if (useReg) {
    emitDivModReg32(c, dst, REG_LOCAL[insn.src]!, op, insn.offset === 1);
  } else {
    emitDivModImm32(c, dst, op, insn.offset === 1, insn.imm);
  }
  c.op(Op.i64_extend_i32_u).set(dst);
}

/** pushSource32 pushes the 32-bit source operand: the src register's low half, or the immediate. */
function pushSource32(c: Code, insn: Instruction, useReg: boolean): void {
  if (useReg) c.get(REG_LOCAL[insn.src]!).op(Op.i32_wrap_i64);
  else c.i32(insn.imm);
}

/** emitDivModImm32 leaves the 32-bit result on the stack for a constant divisor. */
function emitDivModImm32(c: Code, dst: number, op: number, signed: boolean, imm: number): void {
  const isDiv = op === AluOp.DIV;
  if (imm === 0) {
    if (isDiv) c.i32(0);
    else c.get(dst).op(Op.i32_wrap_i64); // x % 0 = x, zero-extended to 64 bits
    return;
  }
  if (signed && imm === -1) {
    if (isDiv) c.i32(0).get(dst).op(Op.i32_wrap_i64).op(Op.i32_sub);
    else c.i32(0);
    return;
  }
  c.get(dst).op(Op.i32_wrap_i64).i32(imm);
  c.op(isDiv ? (signed ? Op.i32_div_s : Op.i32_div_u) : signed ? Op.i32_rem_s : Op.i32_rem_u);
}

/** emitDivModReg32 leaves the guarded 32-bit quotient or remainder on the stack. */
function emitDivModReg32(c: Code, dst: number, src: number, op: number, signed: boolean): void {
  const isDiv = op === AluOp.DIV;
  c.get(src).op(Op.i32_wrap_i64).tee(Local.t32a).op(Op.i32_eqz).ifResult(ValType.i32);
  if (isDiv) c.i32(0);
  else c.get(dst).op(Op.i32_wrap_i64);
  c.else();
  if (signed && isDiv) {
    c.get(Local.t32a).i32(-1).op(Op.i32_eq).ifResult(ValType.i32);
    c.i32(0).get(dst).op(Op.i32_wrap_i64).op(Op.i32_sub);
    c.else().get(dst).op(Op.i32_wrap_i64).get(Local.t32a).op(Op.i32_div_s).end();
  } else {
    c.get(dst).op(Op.i32_wrap_i64).get(Local.t32a);
    c.op(isDiv ? Op.i32_div_u : signed ? Op.i32_rem_s : Op.i32_rem_u);
  }
  c.end();
}

/**
 * emitExtension recognises `rX <<= 32; rX >>= 32` (zero-extend the low half) and
 * `rX <<= 32; rX s>>= 32` (sign-extend it), which compilers emit for int casts, and appends
 * one wasm extension instead of two shifts. Returns false (appending nothing) otherwise.
 */
export function emitExtension(c: Code, first: Instruction, second: Instruction): boolean {
  const shiftLeft32 = first.opcode === (Class.ALU64 | AluOp.LSH | Source.K) && first.imm === 32;
  const signed = second.opcode === (Class.ALU64 | AluOp.ARSH | Source.K);
  const shiftRight32 = (signed || second.opcode === (Class.ALU64 | AluOp.RSH | Source.K)) && second.imm === 32;
  if (!shiftLeft32 || !shiftRight32 || first.dst !== second.dst) return false;
  const dst = REG_LOCAL[first.dst]!;
  c.get(dst);
  if (signed) c.op(Op.i64_extend32_s);
  else c.op(Op.i32_wrap_i64).op(Op.i64_extend_i32_u);
  c.set(dst);
  return true;
}

/** emitByteOrder: le16/le32 truncate (the host is little-endian), be16/32/64 and bswap swap bytes. */
function emitByteOrder(c: Code, insn: Instruction, wide: boolean): void {
  const dst = REG_LOCAL[insn.dst]!;
  const swap = wide || (insn.opcode & SOURCE_MASK) === Source.X;
  const bits = insn.imm;
  if (!swap) {
    if (bits === 16) c.get(dst).i64(0xffff).op(Op.i64_and).set(dst);
    else if (bits === 32) c.get(dst).op(Op.i32_wrap_i64).op(Op.i64_extend_i32_u).set(dst);
    return;
  }
  if (bits === 16) {
    c.get(dst).i64(0xff).op(Op.i64_and).i64(8).op(Op.i64_shl);
    c.get(dst).i64(8).op(Op.i64_shr_u).i64(0xff).op(Op.i64_and);
    c.op(Op.i64_or).set(dst);
  } else if (bits === 32) {
    c.get(dst).op(Op.i32_wrap_i64);
    swap32(c);
    c.op(Op.i64_extend_i32_u).set(dst);
  } else {
    c.get(dst).op(Op.i32_wrap_i64);
    swap32(c);
    c.op(Op.i64_extend_i32_u).i64(32).op(Op.i64_shl);
    c.get(dst).i64(32).op(Op.i64_shr_u).op(Op.i32_wrap_i64);
    swap32(c);
    c.op(Op.i64_extend_i32_u).op(Op.i64_or).set(dst);
  }
}

/** swap32 reverses the bytes of the i32 on top of the stack: (x rotl 8) & 0x00ff00ff | (x rotr 8) & 0xff00ff00. */
function swap32(c: Code): void {
  c.tee(Local.t32b).i32(8).op(Op.i32_rotl).i32(0x00ff00ff).op(Op.i32_and);
  c.get(Local.t32b).i32(8).op(Op.i32_rotr).i32(0xff00ff00 | 0).op(Op.i32_and);
  c.op(Op.i32_or);
}

const COMPARE64: Partial<Record<number, number>> = {
  [JmpOp.JEQ]: Op.i64_eq,
  [JmpOp.JNE]: Op.i64_ne,
  [JmpOp.JGT]: Op.i64_gt_u,
  [JmpOp.JGE]: Op.i64_ge_u,
  [JmpOp.JLT]: Op.i64_lt_u,
  [JmpOp.JLE]: Op.i64_le_u,
  [JmpOp.JSGT]: Op.i64_gt_s,
  [JmpOp.JSGE]: Op.i64_ge_s,
  [JmpOp.JSLT]: Op.i64_lt_s,
  [JmpOp.JSLE]: Op.i64_le_s,
};

const COMPARE32: Partial<Record<number, number>> = {
  [JmpOp.JEQ]: Op.i32_eq,
  [JmpOp.JNE]: Op.i32_ne,
  [JmpOp.JGT]: Op.i32_gt_u,
  [JmpOp.JGE]: Op.i32_ge_u,
  [JmpOp.JLT]: Op.i32_lt_u,
  [JmpOp.JLE]: Op.i32_le_u,
  [JmpOp.JSGT]: Op.i32_gt_s,
  [JmpOp.JSGE]: Op.i32_ge_s,
  [JmpOp.JSLT]: Op.i32_lt_s,
  [JmpOp.JSLE]: Op.i32_le_s,
};

/** emitCondition pushes an i32 that is nonzero when the conditional jump is taken. */
export function emitCondition(c: Code, insn: Instruction): void {
  const wide = (insn.opcode & CLASS_MASK) === Class.JMP;
  const op = insn.opcode & OP_MASK;
  const useReg = (insn.opcode & SOURCE_MASK) === Source.X;
  c.get(REG_LOCAL[insn.dst]!);
  if (!wide) c.op(Op.i32_wrap_i64);
  if (useReg) {
    c.get(REG_LOCAL[insn.src]!);
    if (!wide) c.op(Op.i32_wrap_i64);
  } else if (wide) {
    c.i64(insn.imm);
  } else {
    c.i32(insn.imm);
  }
  if (op === JmpOp.JSET) {
    if (wide) c.op(Op.i64_and).op(Op.i64_eqz).op(Op.i32_eqz);
    else c.op(Op.i32_and);
    return;
  }
  c.op((wide ? COMPARE64 : COMPARE32)[op]!);
}
