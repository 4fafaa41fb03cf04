// ProgramBuilder: an ISA-shaped API for code generators, with labels, maps, comments and sub-functions.
import { SluiceError } from '../util/errors.js';
import { ATOMIC_NAMES, SIZE_FIELDS, type SizeName } from './asm-tables.js';
import { type Instruction, lddwFrom, width, withField } from './instruction.js';
import {
  AluOp,
  AtomicOp,
  CALL,
  CALLX,
  CallSrc,
  Class,
  EXIT,
  FRAME_POINTER,
  JmpOp,
  Mode,
  PseudoSrc,
  Source,
} from './opcodes.js';
import type { MapSpec, MapTypeName, ProgramSpec } from './program.js';

/** BuilderError is a mistake in a generated program, named by label and instruction index. */
export class BuilderError extends SluiceError {
  override name = 'BuilderError';
}

/** Reg is a register operand; use the exported R0..R10 (R10 is the read-only frame pointer). */
export interface Reg {
  readonly reg: number;
}

/** Imm is an immediate operand. */
export type Imm = number | bigint;

/** reg returns the register operand for r`n` (0..10). */
export function reg(n: number): Reg {
  if (!Number.isInteger(n) || n < 0 || n > FRAME_POINTER) throw new BuilderError(`register r${n} does not exist (r0..r${FRAME_POINTER})`);
  return REGISTERS[n]!;
}

const REGISTERS: readonly Reg[] = Array.from({ length: FRAME_POINTER + 1 }, (_, n) => Object.freeze({ reg: n }));
export const [R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10] = REGISTERS as [Reg, Reg, Reg, Reg, Reg, Reg, Reg, Reg, Reg, Reg, Reg];

/** MapRef is a map declared with `map()`, for lddwMap and lddwMapValue. */
export interface MapRef {
  readonly index: number;
  readonly name: string;
}

/** MapDecl is what `map()` takes: a MapSpec whose flags default to 0. */
export interface MapDecl {
  readonly name: string;
  readonly type: MapTypeName;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  readonly flags?: number;
  readonly initialValue?: Uint8Array;
  readonly readOnly?: boolean;
}

/** AtomicName is an atomic operation; fetch_* variants return the old value in the source register. */
export type AtomicName =
  | 'add' | 'or' | 'and' | 'xor'
  | 'fetch_add' | 'fetch_or' | 'fetch_and' | 'fetch_xor'
  | 'xchg' | 'cmpxchg';

interface Pending {
  insn: Instruction;
  readonly slot: number;
  /** The label whose slot offset goes into `field` at build time. */
  readonly label?: string;
  readonly field?: 'offset' | 'imm';
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const UINT32_MAX = 2 ** 32 - 1;

/**
 * ProgramBuilder emits instructions in order and resolves labels in build(). Methods mirror the ISA:
 * `add64(R1, 4)` or `add64(R1, R2)` picks the immediate or register form; jumps take a label name.
 * Everything before the first `func()` is the entry function; each `func(name)` starts a sub-program
 * that `callLocal(name)` and `lddwFunc(dst, name)` refer to.
 */
export class ProgramBuilder {
  private readonly pending: Pending[] = [];
  private readonly labels = new Map<string, number>();
  private readonly maps: MapSpec[] = [];
  private readonly comments = new Map<number, string>();
  private readonly functions: { name: string; slot: number }[] = [];
  private nextComment: string[] = [];
  private slotCount = 0;

  constructor(
    readonly name: string,
    private readonly options: { readonly section?: string; readonly license?: string } = {},
  ) {}

  /** slot is the slot index the next instruction will occupy. */
  get slot(): number {
    return this.slotCount;
  }

  /** map declares a map and returns the reference that lddwMap/lddwMapValue take. */
  map(decl: MapDecl): MapRef {
    if (this.maps.some((m) => m.name === decl.name)) throw this.error(`map '${decl.name}' is declared twice`);
    this.maps.push({ ...decl, flags: decl.flags ?? 0 });
    return { index: this.maps.length - 1, name: decl.name };
  }

  /** label names the slot of the next instruction. */
  label(name: string): this {
    const previous = this.labels.get(name);
    if (previous !== undefined) throw this.error(`label '${name}' is defined twice (insn #${previous} and #${this.slotCount})`);
    this.labels.set(name, this.slotCount);
    return this;
  }

  /** func starts a sub-program called `name`; the instruction before it must not fall through into it. */
  func(name: string): this {
    this.functions.push({ name, slot: this.slotCount });
    return this.label(name);
  }

  /** comment attaches text to the next instruction (spec.comments, shown by the disassembler). */
  comment(text: string): this {
    this.nextComment.push(text);
    return this;
  }

  // ALU, 64-bit: the operand is a register (X form) or an immediate (K form, int32).
  add64(dst: Reg, src: Reg | Imm): this { return this.alu(Class.ALU64, AluOp.ADD, 0, dst, src); }
  sub64(dst: Reg, src: Reg | Imm): this { return this.alu(Class.ALU64, AluOp.SUB, 0, dst, src); }
  mul64(dst: Reg, src: Reg | Imm): this { return this.alu(Class.ALU64, AluOp.MUL, 0, dst, src); }
  div64(dst: Reg, src: Reg | Imm): this { return this.alu(Class.ALU64, AluOp.DIV, 0, dst, src); }
  sdiv64(dst: Reg, src: Reg | Imm): this { return this.alu(Class.ALU64, AluOp.DIV, 1, dst, src); }
  mod64(dst: Reg, src: Reg | Imm): this { return this.alu(Class.ALU64, AluOp.MOD, 0, dst, src); }
  smod64(dst: Reg, src: Reg | Imm): this { return this.alu(Class.ALU64, AluOp.MOD, 1, dst, src); }
  or64(dst: Reg, src: Reg | Imm): this { return this.alu(Class.ALU64, AluOp.OR, 0, dst, src); }
  and64(dst: Reg, src: Reg | Imm): this { return this.alu(Class.ALU64, AluOp.AND, 0, dst, src); }
  xor64(dst: Reg, src: Reg | Imm): this { return this.alu(Class.ALU64, AluOp.XOR, 0, dst, src); }
  lsh64(dst: Reg, src: Reg | Imm): this { return this.alu(Class.ALU64, AluOp.LSH, 0, dst, src); }
  rsh64(dst: Reg, src: Reg | Imm): this { return this.alu(Class.ALU64, AluOp.RSH, 0, dst, src); }
  arsh64(dst: Reg, src: Reg | Imm): this { return this.alu(Class.ALU64, AluOp.ARSH, 0, dst, src); }
  mov64(dst: Reg, src: Reg | Imm): this { return this.alu(Class.ALU64, AluOp.MOV, 0, dst, src); }
  neg64(dst: Reg): this { return this.emit({ opcode: Class.ALU64 | AluOp.NEG, dst: dst.reg, src: 0, offset: 0, imm: 0 }); }

  // ALU, 32-bit (results zero-extended): immediates may also be written as unsigned 32-bit values.
  add32(dst: Reg, src: Reg | Imm): this { return this.alu(Class.ALU, AluOp.ADD, 0, dst, src); }
  sub32(dst: Reg, src: Reg | Imm): this { return this.alu(Class.ALU, AluOp.SUB, 0, dst, src); }
  mul32(dst: Reg, src: Reg | Imm): this { return this.alu(Class.ALU, AluOp.MUL, 0, dst, src); }
  div32(dst: Reg, src: Reg | Imm): this { return this.alu(Class.ALU, AluOp.DIV, 0, dst, src); }
  sdiv32(dst: Reg, src: Reg | Imm): this { return this.alu(Class.ALU, AluOp.DIV, 1, dst, src); }
  mod32(dst: Reg, src: Reg | Imm): this { return this.alu(Class.ALU, AluOp.MOD, 0, dst, src); }
  smod32(dst: Reg, src: Reg | Imm): this { return this.alu(Class.ALU, AluOp.MOD, 1, dst, src); }
  or32(dst: Reg, src: Reg | Imm): this { return this.alu(Class.ALU, AluOp.OR, 0, dst, src); }
  and32(dst: Reg, src: Reg | Imm): this { return this.alu(Class.ALU, AluOp.AND, 0, dst, src); }
  xor32(dst: Reg, src: Reg | Imm): this { return this.alu(Class.ALU, AluOp.XOR, 0, dst, src); }
  lsh32(dst: Reg, src: Reg | Imm): this { return this.alu(Class.ALU, AluOp.LSH, 0, dst, src); }
  rsh32(dst: Reg, src: Reg | Imm): this { return this.alu(Class.ALU, AluOp.RSH, 0, dst, src); }
  arsh32(dst: Reg, src: Reg | Imm): this { return this.alu(Class.ALU, AluOp.ARSH, 0, dst, src); }
  mov32(dst: Reg, src: Reg | Imm): this { return this.alu(Class.ALU, AluOp.MOV, 0, dst, src); }
  neg32(dst: Reg): this { return this.emit({ opcode: Class.ALU | AluOp.NEG, dst: dst.reg, src: 0, offset: 0, imm: 0 }); }

  /** movsx64 sign-extends the low `bits` of src into dst (64-bit result). */
  movsx64(dst: Reg, src: Reg, bits: 8 | 16 | 32): this {
    return this.emit({ opcode: Class.ALU64 | AluOp.MOV | Source.X, dst: dst.reg, src: src.reg, offset: bits, imm: 0 });
  }

  /** movsx32 sign-extends the low `bits` of src into the low 32 bits of dst (upper half zeroed). */
  movsx32(dst: Reg, src: Reg, bits: 8 | 16): this {
    return this.emit({ opcode: Class.ALU | AluOp.MOV | Source.X, dst: dst.reg, src: src.reg, offset: bits, imm: 0 });
  }

  /** be converts dst from host (little-endian) to big-endian order, keeping the low `bits`. */
  be(dst: Reg, bits: 16 | 32 | 64): this { return this.endian(Class.ALU | AluOp.END | Source.X, dst, bits); }
  /** le keeps the low `bits` of dst (little-endian host: no swap). */
  le(dst: Reg, bits: 16 | 32 | 64): this { return this.endian(Class.ALU | AluOp.END, dst, bits); }
  /** bswap reverses the bytes of the low `bits` of dst unconditionally. */
  bswap(dst: Reg, bits: 16 | 32 | 64): this { return this.endian(Class.ALU64 | AluOp.END, dst, bits); }

  // Conditional jumps to a label, 64-bit and 32-bit comparisons, register or immediate operand.
  jeq64(dst: Reg, src: Reg | Imm, label: string): this { return this.jump(Class.JMP, JmpOp.JEQ, dst, src, label); }
  jne64(dst: Reg, src: Reg | Imm, label: string): this { return this.jump(Class.JMP, JmpOp.JNE, dst, src, label); }
  jgt64(dst: Reg, src: Reg | Imm, label: string): this { return this.jump(Class.JMP, JmpOp.JGT, dst, src, label); }
  jge64(dst: Reg, src: Reg | Imm, label: string): this { return this.jump(Class.JMP, JmpOp.JGE, dst, src, label); }
  jlt64(dst: Reg, src: Reg | Imm, label: string): this { return this.jump(Class.JMP, JmpOp.JLT, dst, src, label); }
  jle64(dst: Reg, src: Reg | Imm, label: string): this { return this.jump(Class.JMP, JmpOp.JLE, dst, src, label); }
  jsgt64(dst: Reg, src: Reg | Imm, label: string): this { return this.jump(Class.JMP, JmpOp.JSGT, dst, src, label); }
  jsge64(dst: Reg, src: Reg | Imm, label: string): this { return this.jump(Class.JMP, JmpOp.JSGE, dst, src, label); }
  jslt64(dst: Reg, src: Reg | Imm, label: string): this { return this.jump(Class.JMP, JmpOp.JSLT, dst, src, label); }
  jsle64(dst: Reg, src: Reg | Imm, label: string): this { return this.jump(Class.JMP, JmpOp.JSLE, dst, src, label); }
  jset64(dst: Reg, src: Reg | Imm, label: string): this { return this.jump(Class.JMP, JmpOp.JSET, dst, src, label); }
  jeq32(dst: Reg, src: Reg | Imm, label: string): this { return this.jump(Class.JMP32, JmpOp.JEQ, dst, src, label); }
  jne32(dst: Reg, src: Reg | Imm, label: string): this { return this.jump(Class.JMP32, JmpOp.JNE, dst, src, label); }
  jgt32(dst: Reg, src: Reg | Imm, label: string): this { return this.jump(Class.JMP32, JmpOp.JGT, dst, src, label); }
  jge32(dst: Reg, src: Reg | Imm, label: string): this { return this.jump(Class.JMP32, JmpOp.JGE, dst, src, label); }
  jlt32(dst: Reg, src: Reg | Imm, label: string): this { return this.jump(Class.JMP32, JmpOp.JLT, dst, src, label); }
  jle32(dst: Reg, src: Reg | Imm, label: string): this { return this.jump(Class.JMP32, JmpOp.JLE, dst, src, label); }
  jsgt32(dst: Reg, src: Reg | Imm, label: string): this { return this.jump(Class.JMP32, JmpOp.JSGT, dst, src, label); }
  jsge32(dst: Reg, src: Reg | Imm, label: string): this { return this.jump(Class.JMP32, JmpOp.JSGE, dst, src, label); }
  jslt32(dst: Reg, src: Reg | Imm, label: string): this { return this.jump(Class.JMP32, JmpOp.JSLT, dst, src, label); }
  jsle32(dst: Reg, src: Reg | Imm, label: string): this { return this.jump(Class.JMP32, JmpOp.JSLE, dst, src, label); }
  jset32(dst: Reg, src: Reg | Imm, label: string): this { return this.jump(Class.JMP32, JmpOp.JSET, dst, src, label); }

  /** ja jumps to a label; build() widens it to ja32 if the label is beyond a 16-bit offset. */
  ja(label: string): this {
    return this.emit({ opcode: Class.JMP | JmpOp.JA, dst: 0, src: 0, offset: 0, imm: 0 }, label, 'offset');
  }

  /** ja32 jumps to a label with a 32-bit offset (gotol). */
  ja32(label: string): this {
    return this.emit({ opcode: Class.JMP32 | JmpOp.JA, dst: 0, src: 0, offset: 0, imm: 0 }, label, 'imm');
  }

  /** ldx loads `size` bytes at src+offset into dst, zero-extended. */
  ldx(size: SizeName, dst: Reg, src: Reg, offset: number): this {
    return this.emit({ opcode: Class.LDX | Mode.MEM | SIZE_FIELDS[size], dst: dst.reg, src: src.reg, offset: this.offset16(offset), imm: 0 });
  }

  /** ldxs loads `size` bytes at src+offset into dst, sign-extended to 64 bits. */
  ldxs(size: Exclude<SizeName, 'dw'>, dst: Reg, src: Reg, offset: number): this {
    return this.emit({ opcode: Class.LDX | Mode.MEMSX | SIZE_FIELDS[size], dst: dst.reg, src: src.reg, offset: this.offset16(offset), imm: 0 });
  }

  /**
   * st stores an immediate of `size` bytes at dst+offset. The value must fit the store, signed or
   * unsigned (a b store takes -128..255), so nothing is cut silently; a dw store sign-extends an int32.
   */
  st(size: SizeName, dst: Reg, offset: number, imm: Imm): this {
    const value = this.imm32(imm, size !== 'dw');
    const bits = size === 'b' ? 8 : size === 'h' ? 16 : 32;
    const written = this.integer(imm);
    if (bits < 32 && (written < -(2n ** BigInt(bits - 1)) || written >= 2n ** BigInt(bits))) {
      throw this.error(`immediate ${imm} does not fit a ${bits}-bit store (${-(2 ** (bits - 1))}..${2 ** bits - 1})`);
    }
    return this.emit({ opcode: Class.ST | Mode.MEM | SIZE_FIELDS[size], dst: dst.reg, src: 0, offset: this.offset16(offset), imm: value });
  }

  /** stx stores the low `size` bytes of src at dst+offset. */
  stx(size: SizeName, dst: Reg, offset: number, src: Reg): this {
    return this.emit({ opcode: Class.STX | Mode.MEM | SIZE_FIELDS[size], dst: dst.reg, src: src.reg, offset: this.offset16(offset), imm: 0 });
  }

  /**
   * atomic applies `op` to the 32- or 64-bit word at dst+offset with src. fetch_* and xchg put the
   * old value in src; cmpxchg compares with r0, stores src if equal, and puts the old value in r0.
   */
  atomic(size: 'w' | 'dw', op: AtomicName, dst: Reg, offset: number, src: Reg): this {
    const imm = op.startsWith('fetch_') ? ATOMIC_NAMES.get(op.slice(6))! | AtomicOp.FETCH : ATOMIC_NAMES.get(op)!;
    return this.emit({ opcode: Class.STX | Mode.ATOMIC | SIZE_FIELDS[size], dst: dst.reg, src: src.reg, offset: this.offset16(offset), imm });
  }

  /** lddw loads a 64-bit constant (two slots). */
  lddw(dst: Reg, value: Imm): this {
    const v = this.integer(value);
    if (v < -(2n ** 63n) || v > 2n ** 64n - 1n) throw this.error(`constant ${v} does not fit in 64 bits`);
    return this.emit(lddwFrom(dst.reg, v));
  }

  /** lddwMap loads a map reference (the first argument of the map helpers). */
  lddwMap(dst: Reg, map: MapRef): this {
    return this.emit({ ...lddwFrom(dst.reg, 0n, PseudoSrc.MAP_FD), imm: this.mapIndex(map) });
  }

  /** lddwMapValue loads a pointer to byte `offset` of the map's entry 0 (global data). */
  lddwMapValue(dst: Reg, map: MapRef, offset = 0): this {
    return this.emit({ ...lddwFrom(dst.reg, 0n, PseudoSrc.MAP_VALUE), imm: this.mapIndex(map), imm2: this.imm32(offset, false) });
  }

  /** lddwFunc loads the address of the sub-program at `label` (a bpf_loop callback). */
  lddwFunc(dst: Reg, label: string): this {
    return this.emit(lddwFrom(dst.reg, 0n, PseudoSrc.FUNC), label, 'imm');
  }

  /** call calls a helper by id (see HelperId). */
  call(helper: number): this {
    return this.emit({ opcode: CALL, dst: 0, src: CallSrc.HELPER, offset: 0, imm: this.imm32(helper, false) });
  }

  /** callLocal calls the sub-program at `label`. */
  callLocal(label: string): this {
    return this.emit({ opcode: CALL, dst: 0, src: CallSrc.LOCAL, offset: 0, imm: 0 }, label, 'imm');
  }

  /** callx calls the helper whose id is in a register. */
  callx(src: Reg): this {
    return this.emit({ opcode: CALLX, dst: src.reg, src: 0, offset: 0, imm: 0 });
  }

  /** exit returns r0 from the current function. */
  exit(): this {
    return this.emit({ opcode: EXIT, dst: 0, src: 0, offset: 0, imm: 0 });
  }

  /**
   * build resolves labels to slot offsets and returns the program. Throws BuilderError naming the
   * label and instruction for an undefined label, a conditional jump beyond a 16-bit offset, a
   * trailing comment, or a function that the previous instruction falls into.
   */
  build(): ProgramSpec {
    if (this.nextComment.length > 0) throw this.error(`comment '${this.nextComment.join('; ')}' has no instruction after it`);
    if (this.pending.length === 0) throw this.error('the program has no instructions');
    for (const fn of this.functions) this.checkNoFallThrough(fn);
    const insns = this.pending.map((p) => this.resolve(p));
    return {
      name: this.name,
      section: this.options.section ?? 'xdp',
      insns,
      maps: [...this.maps],
      license: this.options.license ?? 'GPL',
      comments: new Map(this.comments),
    };
  }

  private resolve(p: Pending): Instruction {
    if (p.label === undefined) return p.insn;
    const target = this.labels.get(p.label);
    if (target === undefined) throw this.error(`undefined label '${p.label}'`, p.slot);
    const offset = target - (p.slot + 1);
    if (p.field === 'imm' || (offset >= -0x8000 && offset <= 0x7fff)) return withField(p.insn, p.field!, offset);
    if (p.insn.opcode === (Class.JMP | JmpOp.JA)) return { ...p.insn, opcode: Class.JMP32 | JmpOp.JA, imm: offset };
    throw this.error(`conditional jump to '${p.label}' is ${offset} slots away, beyond a 16-bit offset`, p.slot);
  }

  private checkNoFallThrough(fn: { name: string; slot: number }): void {
    // pending is in slot order: the instruction before the function is the last one starting before its slot (binary search, as a program has thousands).
    let low = 0;
    let high = this.pending.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((this.pending[middle] as Pending).slot < fn.slot) low = middle + 1;
      else high = middle;
    }
    const before = this.pending[low - 1];
    if (!before) throw this.error(`function '${fn.name}' starts the program: the entry function comes first`, fn.slot);
    const op = before.insn.opcode;
    if (op !== EXIT && op !== (Class.JMP | JmpOp.JA) && op !== (Class.JMP32 | JmpOp.JA)) {
      throw this.error(`function '${fn.name}' follows insn #${before.slot}, which falls through into it`, fn.slot);
    }
  }

  private alu(cls: number, op: number, offset: number, dst: Reg, src: Reg | Imm): this {
    if (typeof src === 'object') {
      return this.emit({ opcode: cls | op | Source.X, dst: dst.reg, src: src.reg, offset, imm: 0 });
    }
    return this.emit({ opcode: cls | op | Source.K, dst: dst.reg, src: 0, offset, imm: this.imm32(src, cls === Class.ALU) });
  }

  private jump(cls: number, op: number, dst: Reg, src: Reg | Imm, label: string): this {
    if (typeof src === 'object') {
      return this.emit({ opcode: cls | op | Source.X, dst: dst.reg, src: src.reg, offset: 0, imm: 0 }, label, 'offset');
    }
    const imm = this.imm32(src, cls === Class.JMP32);
    return this.emit({ opcode: cls | op | Source.K, dst: dst.reg, src: 0, offset: 0, imm }, label, 'offset');
  }

  private endian(opcode: number, dst: Reg, bits: 16 | 32 | 64): this {
    return this.emit({ opcode, dst: dst.reg, src: 0, offset: 0, imm: bits });
  }

  private emit(insn: Instruction, label?: string, field?: 'offset' | 'imm'): this {
    const slot = this.slotCount;
    if (this.nextComment.length > 0) {
      this.comments.set(slot, this.nextComment.join('; '));
      this.nextComment = [];
    }
    this.pending.push(label === undefined ? { insn, slot } : { insn, slot, label, field });
    this.slotCount += width(insn);
    return this;
  }

  private integer(value: Imm): bigint {
    if (typeof value === 'bigint') return value;
    if (!Number.isSafeInteger(value)) throw this.error(`immediate ${value} is not an integer`);
    return BigInt(value);
  }

  /** imm32 checks an immediate: int32, or also up to 0xffffffff where only the low 32 bits are used. */
  private imm32(value: Imm, unsignedOk: boolean): number {
    const v = typeof value === 'number' && Number.isInteger(value) ? value : Number(this.integer(value));
    const max = unsignedOk ? UINT32_MAX : INT32_MAX;
    if (!(v >= INT32_MIN && v <= max)) {
      throw this.error(`immediate ${value} does not fit in 32 bits (${INT32_MIN}..${max}); use lddw for 64-bit constants`);
    }
    return v | 0;
  }

  private offset16(offset: number): number {
    if (!Number.isInteger(offset) || offset < -0x8000 || offset > 0x7fff) {
      throw this.error(`offset ${offset} does not fit in 16 bits (-32768..32767)`);
    }
    return offset;
  }

  private mapIndex(map: MapRef): number {
    if (this.maps[map.index]?.name !== map.name) throw this.error(`map '${map.name}' was not declared by this builder`);
    return map.index;
  }

  private error(reason: string, slot = this.slotCount): BuilderError {
    return new BuilderError(`builder '${this.name}' at insn #${slot}: ${reason}`);
  }
}
