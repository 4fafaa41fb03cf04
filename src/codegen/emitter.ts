// The instruction vocabulary the query code generator speaks, on top of the asm ProgramBuilder: unique labels, numbered registers.
import type { MapSpec, ProgramSpec } from '../asm/program.js';
import { ProgramBuilder, reg, type MapRef } from '../asm/builder.js';

/** Alu names the 64-bit arithmetic operations the generator uses. */
export type Alu = 'ADD' | 'SUB' | 'MUL' | 'DIV' | 'MOD' | 'OR' | 'AND' | 'LSH' | 'RSH' | 'ARSH' | 'XOR' | 'MOV';
/** Cond names the 64-bit conditional jumps the generator uses. */
export type Cond = 'JEQ' | 'JNE' | 'JGT' | 'JGE' | 'JLT' | 'JLE' | 'JSGT' | 'JSGE' | 'JSLT' | 'JSLE' | 'JSET';
/** Width names a memory access size. */
export type Width = 'B' | 'H' | 'W' | 'DW';

/** Label is a jump target with a name unique in its program; `Emitter.bind()` places it. */
export interface Label {
  readonly name: string;
}

type AluMethod = `${Lowercase<Alu>}64`;
type JumpMethod = `${Lowercase<Cond>}64`;

/**
 * Emitter wraps one ProgramBuilder: labels are objects with unique names (so emitting functions can
 * make as many as they like), registers are plain numbers, maps are declared up front by index.
 */
export class Emitter {
  private readonly b: ProgramBuilder;
  private readonly maps: MapRef[];
  private labels = 0;

  constructor(name: string, maps: readonly MapSpec[]) {
    this.b = new ProgramBuilder(name, { section: 'xdp', license: 'GPL' });
    this.maps = maps.map((spec) => this.b.map(spec));
  }

  /** label creates an unplaced jump target; its name shows up in builder errors. */
  label(name: string): Label {
    return { name: `${name}#${this.labels++}` };
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
  aluImm(op: Alu, dst: number, imm: number): void {
    this.b[`${op.toLowerCase()}64` as AluMethod](reg(dst), imm);
  }

  /** aluReg emits `dst op= src` (64-bit). */
  aluReg(op: Alu, dst: number, src: number): void {
    this.b[`${op.toLowerCase()}64` as AluMethod](reg(dst), reg(src));
  }

  /** movImm emits `dst = imm` (sign-extended 32-bit immediate). */
  movImm(dst: number, imm: number): void {
    this.b.mov64(reg(dst), imm);
  }

  /** movReg emits `dst = src`. */
  movReg(dst: number, src: number): void {
    this.b.mov64(reg(dst), reg(src));
  }

  /** neg emits `dst = -dst`. */
  neg(dst: number): void {
    this.b.neg64(reg(dst));
  }

  /** constant loads any 64-bit value, with a one-slot mov when it fits a signed 32-bit immediate. */
  constant(dst: number, value: bigint): void {
    const v = BigInt.asIntN(64, value);
    if (v >= -(1n << 31n) && v < 1n << 31n) this.movImm(dst, Number(v));
    else this.b.lddw(reg(dst), v);
  }

  /** mapRef loads a reference to map number `mapIndex` (`lddw dst, map`). */
  mapRef(dst: number, mapIndex: number): void {
    const map = this.maps[mapIndex];
    if (map === undefined) throw new RangeError(`codegen: no map #${mapIndex}`);
    this.b.lddwMap(reg(dst), map);
  }

  /** funcRef loads a pointer to the sub-function at `label` (for bpf_loop callbacks). */
  funcRef(dst: number, label: Label): void {
    this.b.lddwFunc(reg(dst), label.name);
  }

  /** load emits `dst = *(size *)(src + offset)`. */
  load(size: Width, dst: number, src: number, offset: number): void {
    this.b.ldx(lower(size), reg(dst), reg(src), offset);
  }

  /** store emits `*(size *)(dst + offset) = src`. */
  store(size: Width, dst: number, offset: number, src: number): void {
    this.b.stx(lower(size), reg(dst), offset, reg(src));
  }

  /** storeImm emits `*(size *)(dst + offset) = imm`. */
  storeImm(size: Width, dst: number, offset: number, imm: number): void {
    this.b.st(lower(size), reg(dst), offset, imm);
  }

  /** jumpImm emits `if dst cond imm goto label`. */
  jumpImm(cond: Cond, dst: number, imm: number, label: Label): void {
    this.b[`${cond.toLowerCase()}64` as JumpMethod](reg(dst), imm, label.name);
  }

  /** jumpReg emits `if dst cond src goto label`. */
  jumpReg(cond: Cond, dst: number, src: number, label: Label): void {
    this.b[`${cond.toLowerCase()}64` as JumpMethod](reg(dst), reg(src), label.name);
  }

  /** goto emits an unconditional jump. */
  goto(label: Label): void {
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

  /** nextSlot is the slot the next instruction will occupy. */
  get nextSlot(): number {
    return this.b.slot;
  }

  /** build resolves every label and returns the program (BuilderError names an unplaced label). */
  build(): ProgramSpec {
    return this.b.build();
  }
}

function lower(size: Width): 'b' | 'h' | 'w' | 'dw' {
  return size.toLowerCase() as 'b' | 'h' | 'w' | 'dw';
}
