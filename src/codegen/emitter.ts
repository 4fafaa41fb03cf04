// The instruction vocabulary the query code generator speaks, on top of the asm ProgramBuilder: unique labels, numbered registers.
import type { MapSpec, ProgramSpec } from '../asm/program.js';
import { ProgramBuilder, reg, type MapRef, type Reg } from '../asm/builder.js';

/** Alu names the 64-bit arithmetic operations the generator uses. */
export type Alu = 'ADD' | 'SUB' | 'MUL' | 'DIV' | 'MOD' | 'OR' | 'AND' | 'LSH' | 'RSH' | 'ARSH' | 'XOR' | 'MOV';
/** Cond names the 64-bit conditional jumps the generator uses. */
export type Cond = 'JEQ' | 'JNE' | 'JGT' | 'JGE' | 'JLT' | 'JLE' | 'JSGT' | 'JSGE' | 'JSLT' | 'JSLE' | 'JSET';
/** Width names a memory access size. */
export type Width = 'B' | 'H' | 'W' | 'DW';

/** Register is a builder register (R0..R10, preferred: name it by its role) or its number. */
export type Register = Reg | number;

/** Label is a jump target with a name unique in its program; `Emitter.bind()` places it. */
export interface Label {
  readonly name: string;
}

type AluMethod = `${Lowercase<Alu>}64`;
type JumpMethod = `${Lowercase<Cond>}64`;

/**
 * Emitter wraps one ProgramBuilder: labels are objects with unique names (so emitting functions can
 * make as many as they like), registers are builder registers (or numbers in older code), maps are declared up front by index.
 */
export class Emitter {
  private readonly b: ProgramBuilder;
  private readonly maps: MapRef[];
  private labels = 0;
  private readonly jumpedTo = new Set<string>();

  constructor(name: string, maps: readonly MapSpec[]) {
    this.b = new ProgramBuilder(name, { section: 'xdp', license: 'GPL' });
    this.maps = maps.map((spec) => this.b.map(spec));
  }

  /** label creates an unplaced jump target; its name shows up in builder errors. */
  label(name: string): Label {
    return { name: `${name}#${this.labels++}` };
  }

  /** isJumpedTo tells whether some jump emitted so far targets the label (so code placed there is reachable). */
  isJumpedTo(label: Label): boolean {
    return this.jumpedTo.has(label.name);
  }

  /** bind places a label at the next instruction. */
  bind(label: Label): void {
    this.b.label(label.name);
  }

  /** func places a label that starts a sub-function (a bpf_loop callback or a bpf-to-bpf call target). */
  func(label: Label): void {
    this.b.func(label.name);
  }

  /** comment attaches a note to the next instruction (shown beside the disassembly). */
  comment(text: string): void {
    this.b.comment(text);
  }

  /** aluImm emits `dst op= imm` (64-bit, imm a signed 32-bit value). */
  aluImm(op: Alu, dst: Register, imm: number): void {
    this.b[`${op.toLowerCase()}64` as AluMethod](toReg(dst), imm);
  }

  /** aluReg emits `dst op= src` (64-bit). */
  aluReg(op: Alu, dst: Register, src: Register): void {
    this.b[`${op.toLowerCase()}64` as AluMethod](toReg(dst), toReg(src));
  }

  /** movImm emits `dst = imm` (sign-extended 32-bit immediate). */
  movImm(dst: Register, imm: number): void {
    this.b.mov64(toReg(dst), imm);
  }

  /** movReg emits `dst = src`. */
  movReg(dst: Register, src: Register): void {
    this.b.mov64(toReg(dst), toReg(src));
  }

  /** neg emits `dst = -dst`. */
  neg(dst: Register): void {
    this.b.neg64(toReg(dst));
  }

  /** constant loads any 64-bit value, with a one-slot mov when it fits a signed 32-bit immediate. */
  constant(dst: Register, value: bigint): void {
    const v = BigInt.asIntN(64, value);
    if (v >= -(1n << 31n) && v < 1n << 31n) this.movImm(dst, Number(v));
    else this.b.lddw(toReg(dst), v);
  }

  /** mapRef loads a reference to map number `mapIndex` (`lddw dst, map`). */
  mapRef(dst: Register, mapIndex: number): void {
    const map = this.maps[mapIndex];
    if (map === undefined) throw new RangeError(`codegen: no map #${mapIndex}`);
    this.b.lddwMap(toReg(dst), map);
  }

  /** funcRef loads a pointer to the sub-function at `label` (for bpf_loop callbacks). */
  funcRef(dst: Register, label: Label): void {
    this.b.lddwFunc(toReg(dst), label.name);
  }

  /** load emits `dst = *(size *)(src + offset)`. */
  load(size: Width, dst: Register, src: Register, offset: number): void {
    this.b.ldx(lower(size), toReg(dst), toReg(src), offset);
  }

  /** store emits `*(size *)(dst + offset) = src`. */
  store(size: Width, dst: Register, offset: number, src: Register): void {
    this.b.stx(lower(size), toReg(dst), offset, toReg(src));
  }

  /** storeImm emits `*(size *)(dst + offset) = imm`. */
  storeImm(size: Width, dst: Register, offset: number, imm: number): void {
    this.b.st(lower(size), toReg(dst), offset, imm);
  }

  /** jumpImm emits `if dst cond imm goto label`. */
  jumpImm(cond: Cond, dst: Register, imm: number, label: Label): void {
    this.jumpedTo.add(label.name);
    this.b[`${cond.toLowerCase()}64` as JumpMethod](toReg(dst), imm, label.name);
  }

  /** jumpReg emits `if dst cond src goto label`. */
  jumpReg(cond: Cond, dst: Register, src: Register, label: Label): void {
    this.jumpedTo.add(label.name);
    this.b[`${cond.toLowerCase()}64` as JumpMethod](toReg(dst), toReg(src), label.name);
  }

  /** goto emits an unconditional jump. */
  goto(label: Label): void {
    this.jumpedTo.add(label.name);
    this.b.ja(label.name);
  }

  /** call emits a helper call by id. */
  call(helperId: number): void {
    this.b.call(helperId);
  }

  /** callLocal emits a bpf-to-bpf call of the sub-function at `label`. */
  callLocal(label: Label): void {
    this.b.callLocal(label.name);
  }

  /** exit emits `exit`. */
  exit(): void {
    this.b.exit();
  }

  /** build resolves every label and returns the program (BuilderError names an unplaced label). */
  build(): ProgramSpec {
    return this.b.build();
  }
}

function toReg(register: Register): Reg {
  return typeof register === 'number' ? reg(register) : register;
}

function lower(size: Width): 'b' | 'h' | 'w' | 'dw' {
  return size.toLowerCase() as 'b' | 'h' | 'w' | 'dw';
}
