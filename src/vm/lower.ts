// Lowers a ProgramSpec once into per-slot typed arrays the interpreter's loop reads (no objects per instruction).
import { HelperId } from '../asm/helpers.js';
import { isJump, isLocalCall, jumpTarget, namedFunction } from '../asm/control.js';
import type { Instruction } from '../asm/instruction.js';
import { AluOp, CALL, CLASS_MASK, CallSrc, Class, JmpOp, LDDW, MODE_MASK, Mode, OP_MASK, PseudoSrc, SIZE_MASK, Size, sizeBytes } from '../asm/opcodes.js';
import type { ProgramSpec } from '../asm/program.js';
import { Code } from './codes.js';
import { InvalidProgram } from './errors.js';
import { FRAME_SIZE } from './memory.js';
import { FUNC_HANDLE_BASE, type Runtime } from './runtime.js';

/**
 * Decoded is a program as parallel arrays indexed by slot. `aux` holds the absolute target
 * slot of jumps and local calls, or the signed offset of loads and stores. `imm`/`immHi`
 * are the immediate as 32-bit halves: sign-extended for ALU64 and JMP, the 64-bit constant
 * for lddw (map and function references already resolved to their handles or addresses).
 */
export interface Decoded {
  readonly slots: number;
  readonly code: Uint8Array;
  readonly dst: Uint8Array;
  readonly src: Uint8Array;
  readonly aux: Int32Array;
  readonly imm: Int32Array;
  readonly immHi: Int32Array;
  /**
   * The same, packed four 32-bit words per slot for the interpreter's loop (one array, fewer
   * live values): [code | dst << 8 | src << 12, aux, imm, immHi].
   */
  readonly words: Int32Array;
  /** 1 at the first slot of every function (the entry, local call targets, lddw func targets): where a callback may start. */
  readonly functionStart: Uint8Array;
}

/**
 * decodeProgram lowers `spec` for `runtime`; `unchecked` lists slots whose accesses were proven
 * safe; `audit` (the interpreter's audit mode) may give a slot a code of its own instead.
 */
export function decodeProgram(spec: ProgramSpec, runtime: Runtime, unchecked?: ReadonlySet<number>, audit?: (slot: number) => number | undefined): Decoded {
  let slots = 0;
  for (const insn of spec.insns) slots += insn.opcode === LDDW ? 2 : 1;
  const out: Decoded = {
    slots,
    code: new Uint8Array(slots),
    dst: new Uint8Array(slots),
    src: new Uint8Array(slots),
    aux: new Int32Array(slots),
    imm: new Int32Array(slots),
    immHi: new Int32Array(slots),
    words: new Int32Array(slots * 4),
    functionStart: new Uint8Array(slots),
  };
  out.functionStart[0] = 1;
  let slot = 0;
  for (const insn of spec.insns) {
    out.code[slot] = audit?.(slot) ?? codeOf(insn, slot, unchecked?.has(slot) ?? false);
    out.dst[slot] = insn.dst;
    out.src[slot] = insn.src;
    out.imm[slot] = insn.imm;
    out.immHi[slot] = insn.imm < 0 ? -1 : 0;
    out.aux[slot] = auxOf(insn, slot);
    const callee = namedFunction(insn, slot);
    if (callee !== undefined && callee >= 0 && callee < slots) out.functionStart[callee] = 1;
    if (insn.opcode === LDDW) {
      const [low, high] = lddwValue(insn, slot, runtime);
      out.imm[slot] = low;
      out.immHi[slot] = high;
      slot++;
    }
    slot++;
  }
  fusePairs(out);
  for (let p = 0; p < slots; p++) {
    out.words[4 * p] = (out.code[p] as number) | ((out.dst[p] as number) << 8) | ((out.src[p] as number) << 12);
    out.words[4 * p + 1] = out.aux[p] as number;
    out.words[4 * p + 2] = out.imm[p] as number;
    out.words[4 * p + 3] = out.immHi[p] as number;
  }
  return out;
}

/**
 * fusePairs gives slot p a superinstruction code when it and the next one or two slots
 * form a pattern clang emits in hot loops (register copies, `rA = rB; rA += x`, the bounds
 * check `rA = rB; rA += k; if rA > x goto`, the `<<= 32; >>= 32` zero-extension,
 * `i += 1; if i != n goto`). The fused code runs them all and continues after them; the
 * later slots keep their own codes, so a jump landing on one still runs it alone.
 * Instruction counts and the budget stay exact (a fused dispatch counts every slot).
 */
function fusePairs(d: Decoded): void {
  const { code, dst, src, imm } = d;
  for (let p = 0; p + 1 < d.slots; p++) {
    const first = code[p] as number;
    const second = code[p + 1] as number;
    const third = p + 2 < d.slots ? (code[p + 2] as number) : -1;
    const sameDst = dst[p] === dst[p + 1];
    const addsToCopy = first === Code.MOV64_X && second === Code.ADD64_K && sameDst;
    if (addsToCopy && third === Code.JGT_X && dst[p + 2] === dst[p]) code[p] = Code.FUSED_MOV_ADD_K_JGT_X;
    else if (addsToCopy && third === Code.JGT_K && dst[p + 2] === dst[p]) code[p] = Code.FUSED_MOV_ADD_K_JGT_K;
    else if (first === Code.MOV64_X && second === Code.MOV64_X && third === Code.MOV64_X) code[p] = Code.FUSED_MOV_MOV_MOV;
    else if (first === Code.MOV64_X && second === Code.MOV64_X) code[p] = Code.FUSED_MOV_MOV;
    else if (addsToCopy) code[p] = Code.FUSED_MOV_ADD_K;
    else if (first === Code.MOV64_X && second === Code.ADD64_X && sameDst && src[p + 1] !== dst[p]) code[p] = Code.FUSED_MOV_ADD_X;
    else if (first === Code.LSH64_K && second === Code.RSH64_K && sameDst && imm[p] === 32 && imm[p + 1] === 32) code[p] = Code.FUSED_ZEXT;
    else if (first === Code.ADD64_K && second === Code.JNE_K && sameDst) code[p] = Code.FUSED_ADD_K_JNE_K;
  }
}

function auxOf(insn: Instruction, slot: number): number {
  if (isJump(insn)) return jumpTarget(insn, slot);
  return isLocalCall(insn) ? namedFunction(insn, slot)! : insn.offset;
}

function codeOf(insn: Instruction, slot: number, proven: boolean): number {
  const { opcode, src, offset, imm } = insn;
  const cls = opcode & CLASS_MASK;
  const op = opcode & OP_MASK;
  const isAlu = cls === Class.ALU || cls === Class.ALU64;
  if (isAlu && offset !== 0) {
    const wide = cls === Class.ALU64;
    const byReg = (opcode & 0x08) !== 0;
    if (op === AluOp.DIV) return wide ? (byReg ? Code.SDIV64_X : Code.SDIV64_K) : byReg ? Code.SDIV32_X : Code.SDIV32_K;
    if (op === AluOp.MOD) return wide ? (byReg ? Code.SMOD64_X : Code.SMOD64_K) : byReg ? Code.SMOD32_X : Code.SMOD32_K;
    if (op === AluOp.MOV) {
      if (offset === 8) return wide ? Code.MOVSX64_8 : Code.MOVSX32_8;
      if (offset === 16) return wide ? Code.MOVSX64_16 : Code.MOVSX32_16;
      return Code.MOVSX64_32;
    }
  }
  if (opcode === (Class.JMP32 | JmpOp.JA)) return Class.JMP | JmpOp.JA;
  if (opcode === CALL) {
    if (src === CallSrc.LOCAL) return Code.CALL_LOCAL;
    if (src !== CallSrc.HELPER) throw new InvalidProgram(slot, 'calls to kernel functions (kfuncs) are not supported');
    return imm === HelperId.map_lookup_elem ? Code.CALL_LOOKUP : CALL;
  }
  const mode = opcode & MODE_MASK;
  if ((cls === Class.LDX || cls === Class.ST || cls === Class.STX) && mode === Mode.MEM) {
    const size = sizeBytes(opcode);
    // r10 is read-only and points at the top of the current frame, so [r10 + off] with the
    // whole access inside the frame's 512 bytes can never leave the stack region.
    const base = cls === Class.ST || cls === Class.STX ? insn.dst : insn.src;
    const inFrame = base === 10 && offset >= -FRAME_SIZE && offset + size <= 0;
    if (inFrame || proven) return uncheckedCode(cls, opcode & SIZE_MASK);
  }
  return opcode;
}

function uncheckedCode(cls: number, size: number): number {
  const index = size === Size.B ? 0 : size === Size.H ? 1 : size === Size.W ? 2 : 3;
  if (cls === Class.LDX) return [Code.LDXB_UNCHECKED, Code.LDXH_UNCHECKED, Code.LDXW_UNCHECKED, Code.LDXDW_UNCHECKED][index] as number;
  if (cls === Class.STX) return [Code.STXB_UNCHECKED, Code.STXH_UNCHECKED, Code.STXW_UNCHECKED, Code.STXDW_UNCHECKED][index] as number;
  return [Code.STB_UNCHECKED, Code.STH_UNCHECKED, Code.STW_UNCHECKED, Code.STDW_UNCHECKED][index] as number;
}

/** lddwValue resolves an lddw's 64-bit value (a constant, map handle, map value address or callback). */
function lddwValue(insn: Instruction, slot: number, runtime: Runtime): [number, number] {
  switch (insn.src) {
    case PseudoSrc.NONE:
      return [insn.imm, insn.imm2 ?? 0];
    case PseudoSrc.MAP_FD:
      checkMapIndex(insn.imm, slot, runtime);
      return [runtime.mapHandle(insn.imm) | 0, 0];
    case PseudoSrc.MAP_VALUE:
      checkMapIndex(insn.imm, slot, runtime);
      return [runtime.mapValueAddress(insn.imm, insn.imm2 ?? 0, slot) | 0, 0];
    case PseudoSrc.FUNC:
      return [(FUNC_HANDLE_BASE + namedFunction(insn, slot)!) | 0, 0];
    default:
      throw new InvalidProgram(slot, `lddw with pseudo source ${insn.src} is not supported`);
  }
}

function checkMapIndex(index: number, slot: number, runtime: Runtime): void {
  if (index < 0 || index >= runtime.maps.length) {
    throw new InvalidProgram(slot, `lddw refers to map #${index}, but the program has ${runtime.maps.length} maps`);
  }
}
