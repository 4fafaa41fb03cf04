// Arithmetic instructions on abstract registers: scalar ranges, pointer arithmetic rules, linked copies.
import type { Instruction } from '../asm/instruction.js';
import { AluOp, CLASS_MASK, Class, OP_MASK, FRAME_POINTER, SOURCE_MASK, Source } from '../asm/opcodes.js';
import { refuse } from './env.js';
import { lasting } from './memo.js';
import { aluScalar } from './scalar-alu.js';
import { SCALAR_UNKNOWN, isConst, scalarConst, type Scalar } from './scalar.js';
import { MAX_VAR_OFF, type Reg, type State, UNKNOWN_SCALAR, isPointer, regWith, scalarReg } from './state.js';

const OP_NAME: Record<number, string> = {
  [AluOp.MUL]: '*=',
  [AluOp.DIV]: '/=',
  [AluOp.OR]: '|=',
  [AluOp.AND]: '&=',
  [AluOp.LSH]: '<<=',
  [AluOp.RSH]: '>>=',
  [AluOp.NEG]: 'neg',
  [AluOp.MOD]: '%=',
  [AluOp.XOR]: '^=',
  [AluOp.ARSH]: 's>>=',
  [AluOp.END]: 'byte swap',
};

const LIMIT = BigInt(MAX_VAR_OFF);

/** PACKET lists the pointer types into (or just past) the chunk; their differences are lengths. */
const PACKET = new Set(['pkt', 'pkt_end', 'pkt_meta']);

/** NO_ARITHMETIC lists pointer types that may not be moved at all. */
const NO_ARITHMETIC = new Set(['map_ptr', 'pkt_end', 'map_value_or_null', 'func']);

/** IMMEDIATES caches the register of each immediate, sign-extended (64) or zero-extended (32), so a step makes no BigInt. */
const IMMEDIATES = { 64: new Map<number, Reg>(), 32: new Map<number, Reg>() };

/** immediateReg is the scalar register an ALU or jump immediate stands for (sign-extended for 64-bit ops). */
export function immediateReg(insn: Instruction, is64: boolean): Reg {
  const cache = IMMEDIATES[is64 ? 64 : 32];
  let reg = cache.get(insn.imm);
  if (!reg) {
    const value = scalarConst(is64 ? BigInt(insn.imm) : BigInt(insn.imm >>> 0));
    const keep = cache.size < 4096;
    reg = scalarReg(keep ? lasting(value) : value);
    if (keep) cache.set(insn.imm, reg);
  }
  return reg;
}

/** aluStep applies an ALU or ALU64 instruction to the current frame's registers. */
export function aluStep(state: State, insn: Instruction): void {
  const regs = state.frames[state.frames.length - 1]!.regs;
  const is64 = (insn.opcode & CLASS_MASK) === Class.ALU64;
  const op = insn.opcode & OP_MASK;
  const fromReg = (insn.opcode & SOURCE_MASK) === Source.X && op !== AluOp.END && op !== AluOp.NEG;
  if (insn.dst === FRAME_POINTER) refuse('frame pointer is read only');
  const src = fromReg ? regs[insn.src]! : immediateReg(insn, is64);
  if (src.type === 'not_init') refuse(`R${insn.src} !read_ok`);
  if (op === AluOp.MOV) {
    regs[insn.dst] = move(state, src, insn, is64);
    return;
  }
  const dst = regs[insn.dst]!;
  if (dst.type === 'not_init') refuse(`R${insn.dst} !read_ok`);
  if (!fromReg && op !== AluOp.END && op !== AluOp.NEG) checkImmediate(op, insn.imm, is64);
  if (isPointer(dst) || isPointer(src)) {
    regs[insn.dst] = pointerArithmetic(state, dst, src, insn, is64, op);
    return;
  }
  const toBe = (insn.opcode & SOURCE_MASK) === Source.X ? 1 : 0;
  regs[insn.dst] = scalarReg(aluScalar(op, dst.value, src.value, is64, insn.offset, insn.imm, toBe));
}

/**
 * checkImmediate refuses what Linux refuses at the ALU check, before looking at the operands'
 * values: a constant divisor of 0 (`div by zero`, for div, mod, sdiv and smod) and a constant shift
 * outside [0, width) (`invalid shift N`). Divisors and shifts in registers are not refused: the
 * engines give x/0 = 0, x%0 = x and mask the shift amount, as Linux does.
 */
function checkImmediate(op: number, imm: number, is64: boolean): void {
  if ((op === AluOp.DIV || op === AluOp.MOD) && imm === 0) refuse('div by zero');
  if ((op === AluOp.LSH || op === AluOp.RSH || op === AluOp.ARSH) && (imm < 0 || imm >= (is64 ? 64 : 32))) refuse(`invalid shift ${imm}`);
}

function move(state: State, src: Reg, insn: Instruction, is64: boolean): Reg {
  if (isPointer(src)) {
    if (!is64) refuse(`R${insn.src} partial copy of pointer`);
    if (insn.offset !== 0) refuse(`R${insn.src} sign-extension of a pointer`);
    return src;
  }
  if (!is64 || insn.offset !== 0) return scalarReg(aluScalar(AluOp.MOV, src.value, src.value, is64, insn.offset, 0, 0));
  if (isConst(src.value) || (insn.opcode & SOURCE_MASK) !== Source.X) return src.id === 0 ? src : scalarReg(src.value);
  // A copy of an unknown scalar is linked to its source: a later comparison of either refines both.
  if (src.id !== 0) return src;
  const linked = regWith(src, src.type, src.value, src.off, state.nextId++, src.range);
  state.frames[state.frames.length - 1]!.regs[insn.src] = linked;
  return linked;
}

function pointerArithmetic(state: State, dst: Reg, src: Reg, insn: Instruction, is64: boolean, op: number): Reg {
  const d = `R${insn.dst}`;
  if (!is64) refuse(`${d} 32-bit pointer arithmetic prohibited`);
  if (op !== AluOp.ADD && op !== AluOp.SUB) {
    refuse(`${d} pointer arithmetic with ${OP_NAME[op] ?? 'this'} operator prohibited`);
  }
  if (isPointer(dst) && isPointer(src)) {
    const sameRegion = dst.type === src.type && dst.frame === src.frame && dst.map === src.map && !NO_ARITHMETIC.has(dst.type);
    const bothPacket = PACKET.has(dst.type) && PACKET.has(src.type);
    if (op === AluOp.SUB && (sameRegion || bothPacket)) return UNKNOWN_SCALAR;
    refuse(`${d} pointer ${op === AluOp.SUB ? '-=' : '+='} pointer prohibited (${dst.type} and ${src.type})`);
  }
  if (!isPointer(dst)) {
    if (op === AluOp.SUB) refuse(`${d} tried to subtract pointer from scalar`);
    return movePointer(state, src, dst.value, AluOp.ADD, `R${insn.src}`);
  }
  return movePointer(state, dst, src.value, op, d);
}

function movePointer(state: State, ptr: Reg, by: Scalar, op: number, name: string): Reg {
  if (NO_ARITHMETIC.has(ptr.type)) {
    const hint = ptr.type === 'map_value_or_null' ? ', null-check it first' : '';
    refuse(`${name} pointer arithmetic on ${ptr.type} prohibited${hint}`);
  }
  checkSaneOffset(by, ptr.type);
  // Linux refuses any subtraction from a stack pointer (some JITs cannot handle it); clang adds negative offsets.
  if (op === AluOp.SUB && ptr.type === 'stack') refuse(`${name} subtraction from stack pointer prohibited`);
  if (isConst(by)) {
    const delta = Number(BigInt.asIntN(64, by.umin));
    const off = op === AluOp.ADD ? ptr.off + delta : ptr.off - delta;
    if (Math.abs(off) >= MAX_VAR_OFF) refuse(`${ptr.type} pointer offset ${off} is not allowed`);
    return regWith(ptr, ptr.type, ptr.value, off, ptr.id, ptr.range);
  }
  const value = aluScalar(op, ptr.value, by, true, 0, 0, 0);
  checkSaneOffset(value, ptr.type);
  if (ptr.type === 'pkt') return regWith(ptr, ptr.type, value, ptr.off, state.nextId++, 0);
  return regWith(ptr, ptr.type, value, ptr.off, ptr.id, ptr.range);
}

/**
 * checkSaneOffset refuses, at the arithmetic as Linux's check_reg_sane_offset does, an offset
 * operand (or a moved pointer's variable part) that is a constant of 2^29 or more either way, or
 * whose smallest value is unbounded or that far out: Linux refuses these even if nothing is
 * then loaded or stored through the pointer.
 */
function checkSaneOffset(v: Scalar, regType: string): void {
  const type = regType === 'stack' ? 'fp' : regType; // Linux's name for a stack pointer
  if (isConst(v)) {
    const value = BigInt.asIntN(64, v.umin);
    if (value >= LIMIT || value <= -LIMIT) refuse(`math between ${type} pointer and ${value} is not allowed`);
    return;
  }
  if (v.smin === SCALAR_UNKNOWN.smin) refuse(`math between ${type} pointer and register with unbounded min value is not allowed`);
  if (v.smin >= LIMIT || v.smin <= -LIMIT) refuse(`value ${v.smin} makes ${type} pointer be out of bounds`);
}
