// The in-memory eBPF instruction, its 8-byte wire encoding, and the field rules checked on decode.
import { createHash } from 'node:crypto';
import {
  AluOp,
  CALL,
  CALLX,
  CLASS_MASK,
  CallSrc,
  Class,
  EXIT,
  JmpOp,
  LDDW,
  MODE_MASK,
  Mode,
  OP_MASK,
  PseudoSrc,
  SIZE_MASK,
  SOURCE_MASK,
  Size,
  Source,
  VALID_ATOMIC_IMMS,
} from './opcodes.js';

/**
 * Instruction is one eBPF instruction. `lddw` is a single Instruction of width 2: its 64-bit
 * constant is `imm` (low half) and `imm2` (high half, the second slot's imm).
 * `offset` is a signed 16-bit value, `imm`/`imm2` signed 32-bit values.
 */
export interface Instruction {
  readonly opcode: number;
  readonly dst: number;
  readonly src: number;
  readonly offset: number;
  readonly imm: number;
  readonly imm2?: number;
}

/** SLOT_BYTES is the size of one encoded instruction slot. */
const SLOT_BYTES = 8;

/** InstructionError reports an invalid instruction with its slot index. */
export class InstructionError extends Error {
  constructor(
    readonly slot: number,
    readonly reason: string,
  ) {
    super(`invalid instruction at insn #${slot}: ${reason}`);
    this.name = 'InstructionError';
  }
}

/** width returns how many 8-byte slots an instruction occupies (2 for lddw, else 1). */
export function width(insn: Instruction): 1 | 2 {
  return insn.opcode === LDDW ? 2 : 1;
}

/** lddwValue returns the 64-bit constant of an lddw as an unsigned bigint. */
export function lddwValue(insn: Instruction): bigint {
  return (BigInt(insn.imm2 ?? 0) << 32n) | BigInt(insn.imm >>> 0);
}

/** lddwFrom builds an lddw with a 64-bit constant (any bigint; taken modulo 2^64). */
export function lddwFrom(dst: number, value: bigint, src = 0): Instruction {
  const v = BigInt.asUintN(64, value);
  return {
    opcode: LDDW,
    dst,
    src,
    offset: 0,
    imm: Number(BigInt.asIntN(32, v)),
    imm2: Number(BigInt.asIntN(32, v >> 32n)),
  };
}

/**
 * withField returns a copy of an instruction with its `offset` or `imm` replaced (jump and call
 * targets land in one or the other). A plain object literal keeps the copy's shape fast.
 */
export function withField(insn: Instruction, field: 'offset' | 'imm', value: number): Instruction {
  const base = { opcode: insn.opcode, dst: insn.dst, src: insn.src, offset: insn.offset, imm: insn.imm };
  if (field === 'offset') base.offset = value;
  else base.imm = value;
  return insn.imm2 === undefined ? base : { ...base, imm2: insn.imm2 };
}

/** slotCount returns the number of 8-byte slots a program occupies. */
export function slotCount(insns: readonly Instruction[]): number {
  let n = 0;
  for (const insn of insns) n += width(insn);
  return n;
}

/**
 * bySlot returns an array indexed by slot: the instruction starting at each slot, or
 * undefined for the second slot of an lddw. Jump offsets and "insn #N" count slots.
 */
export function bySlot(insns: readonly Instruction[]): (Instruction | undefined)[] {
  const out: (Instruction | undefined)[] = [];
  for (const insn of insns) {
    out.push(insn);
    if (width(insn) === 2) out.push(undefined);
  }
  return out;
}

/**
 * decodedBytes holds the bytes each list decodeReadOnly returned was read from: that list is frozen,
 * so its bytes stay true, and encode gives them back instead of writing the program again.
 */
const decodedBytes = new WeakMap<readonly Instruction[], Uint8Array>();

/**
 * encode writes instructions as little-endian 8-byte slots (byte by byte: no DataView call per field,
 * which a fresh process runs slowly); for a list decodeReadOnly returned, a copy of the bytes it read.
 */
export function encode(insns: readonly Instruction[]): Uint8Array {
  const decoded = decodedBytes.get(insns);
  if (decoded !== undefined) return new Uint8Array(decoded);
  const bytes = new Uint8Array(slotCount(insns) * SLOT_BYTES);
  let at = 0;
  for (const insn of insns) {
    bytes[at] = insn.opcode;
    bytes[at + 1] = (insn.src << 4) | insn.dst;
    bytes[at + 2] = insn.offset & 0xff;
    bytes[at + 3] = (insn.offset >> 8) & 0xff;
    putInt32(bytes, at + 4, insn.imm);
    at += SLOT_BYTES;
    if (width(insn) === 2) {
      putInt32(bytes, at + 4, insn.imm2 ?? 0);
      at += SLOT_BYTES;
    }
  }
  return bytes;
}

function putInt32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value & 0xff;
  bytes[at + 1] = (value >> 8) & 0xff;
  bytes[at + 2] = (value >> 16) & 0xff;
  bytes[at + 3] = (value >>> 24) & 0xff;
}

/**
 * decode reads little-endian 8-byte slots into instructions, checking every field with
 * `checkFields`. Throws InstructionError naming the slot of the first bad instruction. Reads byte
 * by byte, as encode writes: a fresh process runs a DataView call per field slowly.
 */
export function decode(bytes: Uint8Array): Instruction[] {
  if (bytes.length % SLOT_BYTES !== 0) {
    throw new InstructionError(
      Math.floor(bytes.length / SLOT_BYTES),
      `program is ${bytes.length} bytes, not a multiple of ${SLOT_BYTES}`,
    );
  }
  const slots = bytes.length / SLOT_BYTES;
  const out: Instruction[] = [];
  for (let slot = 0; slot < slots; slot++) {
    const at = slot * SLOT_BYTES;
    const opcode = bytes[at]!;
    const regs = bytes[at + 1]!;
    const base = { opcode, dst: regs & 0x0f, src: regs >> 4, offset: int16At(bytes, at + 2), imm: int32At(bytes, at + 4) };
    let insn: Instruction = base;
    if (opcode === LDDW) {
      if (slot + 1 >= slots) throw new InstructionError(slot, 'lddw is missing its second slot');
      const next = at + SLOT_BYTES;
      if ((bytes[next]! | bytes[next + 1]! | bytes[next + 2]! | bytes[next + 3]!) !== 0) {
        throw new InstructionError(slot + 1, 'second slot of lddw must have opcode, registers and offset 0');
      }
      insn = { ...base, imm2: int32At(bytes, next + 4) };
      slot++;
    }
    const problem = checkFields(insn);
    if (problem) throw new InstructionError(insn.opcode === LDDW ? slot - 1 : slot, problem);
    out.push(insn);
  }
  return out;
}

/** DECODED_PROGRAMS is how many programs decodeReadOnly keeps by their bytes' hash (the least recently decoded go first). */
const DECODED_PROGRAMS = 8;

/** decodedPrograms holds decodeReadOnly's lists by the SHA-256 of the bytes they were read from. */
const decodedPrograms = new Map<string, readonly Instruction[]>();

/**
 * decodeReadOnly is decode for a whole program that is only read from then on (one that crossed the
 * link, or came from the program store): the list is frozen, and encode gives back the bytes it was
 * read from (a run takes the program's key and its message from them more than once). Bytes this
 * process decoded before give the same list back without decoding them again: a query's program is
 * read from the store on the compute node and then off the link on a storage node in the same process.
 */
export function decodeReadOnly(bytes: Uint8Array): readonly Instruction[] {
  const key = createHash('sha256').update(bytes).digest('hex');
  let insns = decodedPrograms.get(key);
  if (insns === undefined) {
    insns = Object.freeze(decode(bytes));
    // A copy (a Buffer's slice would be a view): the caller may reuse its bytes.
    decodedBytes.set(insns, new Uint8Array(bytes));
  }
  decodedPrograms.delete(key);
  decodedPrograms.set(key, insns);
  if (decodedPrograms.size > DECODED_PROGRAMS) decodedPrograms.delete(decodedPrograms.keys().next().value as string);
  return insns;
}

function int16At(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! | (bytes[at + 1]! << 8)) << 16) >> 16;
}

function int32At(bytes: Uint8Array, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24);
}

/**
 * checkFields returns why an instruction's fields are invalid (unknown opcode, a register
 * out of range, a reserved field not zero), or undefined when they are valid. It does not
 * check jump targets or register usage: that is the verifier's job.
 */
export function checkFields(insn: Instruction): string | undefined {
  const { opcode, dst, src, offset, imm } = insn;
  if (dst > 10) return `dst register r${dst} does not exist`;
  if (src > 10) return `src register r${src} does not exist`;
  const cls = opcode & CLASS_MASK;
  switch (cls) {
    case Class.ALU:
    case Class.ALU64:
      return checkAlu(opcode, cls, src, offset, imm);
    case Class.JMP:
    case Class.JMP32:
      return checkJump(opcode, cls, dst, src, offset, imm);
    case Class.LD:
      if (opcode !== LDDW) return `unsupported opcode 0x${hex(opcode)} (legacy packet access or unknown LD)`;
      if (offset !== 0) return 'lddw offset must be 0';
      if (src > PseudoSrc.MAP_IDX_VALUE) return `lddw src ${src} is not a known pseudo source`;
      return undefined;
    case Class.LDX: {
      const mode = opcode & MODE_MASK;
      if (mode !== Mode.MEM && !(mode === Mode.MEMSX && (opcode & SIZE_MASK) !== Size.DW)) {
        return `unknown opcode 0x${hex(opcode)}`;
      }
      return imm !== 0 ? 'load must have imm 0' : undefined;
    }
    case Class.ST:
      if ((opcode & MODE_MASK) !== Mode.MEM) return `unknown opcode 0x${hex(opcode)}`;
      return src !== 0 ? 'store of an immediate must have src 0' : undefined;
    default: {
      const mode = opcode & MODE_MASK;
      if (mode === Mode.MEM) return imm !== 0 ? 'store of a register must have imm 0' : undefined;
      if (mode === Mode.ATOMIC) {
        const size = opcode & SIZE_MASK;
        if (size !== Size.W && size !== Size.DW) return 'atomic operations are 32 or 64 bits only';
        return VALID_ATOMIC_IMMS.has(imm) ? undefined : `unknown atomic operation 0x${hex(imm)}`;
      }
      return `unknown opcode 0x${hex(opcode)}`;
    }
  }
}

function checkAlu(opcode: number, cls: number, src: number, offset: number, imm: number) {
  const op = opcode & OP_MASK;
  const useReg = (opcode & SOURCE_MASK) === Source.X;
  if (op > AluOp.END) return `unknown opcode 0x${hex(opcode)}`;
  if (op === AluOp.END) {
    if (cls === Class.ALU64 && useReg) return `unknown opcode 0x${hex(opcode)}`;
    if (src !== 0 || offset !== 0) return 'byte swap must have src and offset 0';
    return imm === 16 || imm === 32 || imm === 64 ? undefined : `byte swap width ${imm} is not 16, 32 or 64`;
  }
  if (op === AluOp.NEG) {
    if (useReg) return `unknown opcode 0x${hex(opcode)}`;
    return src !== 0 || offset !== 0 || imm !== 0 ? 'neg must have src, offset and imm 0' : undefined;
  }
  const signedOk = (op === AluOp.DIV || op === AluOp.MOD) && offset === 1;
  const movsxOk =
    op === AluOp.MOV && useReg && (offset === 8 || offset === 16 || (offset === 32 && cls === Class.ALU64));
  if (offset !== 0 && !signedOk && !movsxOk) return `offset ${offset} is not allowed here`;
  if (useReg) return imm !== 0 ? 'register operand form must have imm 0' : undefined;
  return src !== 0 ? 'immediate operand form must have src 0' : undefined;
}

function checkJump(opcode: number, cls: number, dst: number, src: number, offset: number, imm: number) {
  const op = opcode & OP_MASK;
  const useReg = (opcode & SOURCE_MASK) === Source.X;
  if (op > JmpOp.JSLE) return `unknown opcode 0x${hex(opcode)}`;
  if (op === JmpOp.JA) {
    if (useReg) return `unknown opcode 0x${hex(opcode)}`;
    if (dst !== 0 || src !== 0) return 'ja must have dst and src 0';
    if (cls === Class.JMP) return imm !== 0 ? 'ja must have imm 0 (use ja32 for a 32-bit offset)' : undefined;
    return offset !== 0 ? 'ja32 must have offset 0' : undefined;
  }
  if (op === JmpOp.CALL || op === JmpOp.EXIT) {
    if (cls !== Class.JMP) return `unknown opcode 0x${hex(opcode)}`;
    if (opcode === EXIT) return dst || src || offset || imm ? 'exit must have all fields 0' : undefined;
    if (opcode === CALLX) return src || offset || imm ? 'callx must have src, offset and imm 0' : undefined;
    if (opcode === CALL) {
      if (dst !== 0 || offset !== 0) return 'call must have dst and offset 0';
      return src <= CallSrc.KFUNC ? undefined : `call src ${src} is not helper (0), local (1) or kfunc (2)`;
    }
    return `unknown opcode 0x${hex(opcode)}`; // exit with the source bit set (0x9d)
  }
  if (useReg) return imm !== 0 ? 'register comparison must have imm 0' : undefined;
  return src !== 0 ? 'immediate comparison must have src 0' : undefined;
}

function hex(n: number): string {
  return (n >>> 0).toString(16).padStart(2, '0');
}
