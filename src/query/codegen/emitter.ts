// The small instruction vocabulary the query code generator speaks: labels, ALU, loads/stores, jumps, calls, comments.
import { AluOp, CALL, CallSrc, Class, EXIT, JmpOp, LDDW, Mode, PseudoSrc, Size, Source } from '../../asm/opcodes.js';
import { lddwFrom, width, type Instruction } from '../../asm/instruction.js';

/** Alu names the arithmetic operations the generator uses. */
export type Alu = keyof typeof AluOp;
/** Cond names the conditional jumps the generator uses. */
export type Cond = 'JEQ' | 'JNE' | 'JGT' | 'JGE' | 'JLT' | 'JLE' | 'JSGT' | 'JSGE' | 'JSLT' | 'JSLE' | 'JSET';
/** Width names a memory access size. */
export type Width = keyof typeof Size;

/** Label is a jump target; `Emitter.label()` creates one, `Emitter.bind()` places it. */
export interface Label {
  readonly name: string;
  slot?: number;
}

interface Fixup {
  readonly index: number;
  readonly label: Label;
  readonly kind: 'jump' | 'func' | 'call';
}

/**
 * Emitter collects instructions for one program (entry function then sub-functions), resolves
 * labels to slot offsets, and keeps comments keyed by the slot they describe.
 */
export class Emitter {
  private readonly insns: Instruction[] = [];
  private readonly fixups: Fixup[] = [];
  private readonly comments = new Map<number, string>();
  private slot = 0;
  private labels = 0;

  /** label creates an unplaced jump target whose name shows up in errors. */
  label(name: string): Label {
    return { name: `${name}#${this.labels++}` };
  }

  /** bind places a label at the next instruction. */
  bind(label: Label): void {
    if (label.slot !== undefined) throw new Error(`codegen: label ${label.name} bound twice`);
    label.slot = this.slot;
  }

  /** comment attaches a note to the next instruction (joined with earlier notes for the same slot). */
  comment(text: string): void {
    const old = this.comments.get(this.slot);
    this.comments.set(this.slot, old === undefined ? text : `${old}; ${text}`);
  }

  /** aluImm emits `dst op= imm` (64-bit). */
  aluImm(op: Alu, dst: number, imm: number): void {
    this.push({ opcode: Class.ALU64 | AluOp[op] | Source.K, dst, src: 0, offset: 0, imm });
  }

  /** aluReg emits `dst op= src` (64-bit). */
  aluReg(op: Alu, dst: number, src: number): void {
    this.push({ opcode: Class.ALU64 | AluOp[op] | Source.X, dst, src, offset: 0, imm: 0 });
  }

  /** movImm emits `dst = imm` (sign-extended 32-bit immediate). */
  movImm(dst: number, imm: number): void {
    this.aluImm('MOV', dst, imm);
  }

  /** movReg emits `dst = src`. */
  movReg(dst: number, src: number): void {
    this.aluReg('MOV', dst, src);
  }

  /** neg emits `dst = -dst`. */
  neg(dst: number): void {
    this.push({ opcode: Class.ALU64 | AluOp.NEG, dst, src: 0, offset: 0, imm: 0 });
  }

  /** constant loads any 64-bit value, with a one-slot mov when it fits a signed 32-bit immediate. */
  constant(dst: number, value: bigint): void {
    const v = BigInt.asIntN(64, value);
    if (v >= -(1n << 31n) && v < 1n << 31n) this.movImm(dst, Number(v));
    else this.push(lddwFrom(dst, v));
  }

  /** mapRef loads a map reference (`lddw dst, map[index]`). */
  mapRef(dst: number, mapIndex: number): void {
    this.push({ opcode: LDDW, dst, src: PseudoSrc.MAP_FD, offset: 0, imm: mapIndex, imm2: 0 });
  }

  /** funcRef loads a pointer to the sub-function at `label` (for bpf_loop callbacks). */
  funcRef(dst: number, label: Label): void {
    this.fixups.push({ index: this.insns.length, label, kind: 'func' });
    this.push({ opcode: LDDW, dst, src: PseudoSrc.FUNC, offset: 0, imm: 0, imm2: 0 });
  }

  /** load emits `dst = *(size *)(src + offset)`. */
  load(size: Width, dst: number, src: number, offset: number): void {
    this.push({ opcode: Class.LDX | Mode.MEM | Size[size], dst, src, offset, imm: 0 });
  }

  /** store emits `*(size *)(dst + offset) = src`. */
  store(size: Width, dst: number, offset: number, src: number): void {
    this.push({ opcode: Class.STX | Mode.MEM | Size[size], dst, src, offset, imm: 0 });
  }

  /** storeImm emits `*(size *)(dst + offset) = imm`. */
  storeImm(size: Width, dst: number, offset: number, imm: number): void {
    this.push({ opcode: Class.ST | Mode.MEM | Size[size], dst, src: 0, offset, imm });
  }

  /** jumpImm emits `if dst cond imm goto label`. */
  jumpImm(cond: Cond, dst: number, imm: number, label: Label): void {
    this.fixups.push({ index: this.insns.length, label, kind: 'jump' });
    this.push({ opcode: Class.JMP | JmpOp[cond] | Source.K, dst, src: 0, offset: 0, imm });
  }

  /** jumpReg emits `if dst cond src goto label`. */
  jumpReg(cond: Cond, dst: number, src: number, label: Label): void {
    this.fixups.push({ index: this.insns.length, label, kind: 'jump' });
    this.push({ opcode: Class.JMP | JmpOp[cond] | Source.X, dst, src, offset: 0, imm: 0 });
  }

  /** goto emits an unconditional jump. */
  goto(label: Label): void {
    this.fixups.push({ index: this.insns.length, label, kind: 'jump' });
    this.push({ opcode: Class.JMP | JmpOp.JA, dst: 0, src: 0, offset: 0, imm: 0 });
  }

  /** call emits a helper call by id. */
  call(helperId: number): void {
    this.push({ opcode: CALL, dst: 0, src: 0, offset: 0, imm: helperId });
  }

  /** callLocal emits a bpf-to-bpf call of the sub-function at `label`. */
  callLocal(label: Label): void {
    this.fixups.push({ index: this.insns.length, label, kind: 'call' });
    this.push({ opcode: CALL, dst: 0, src: CallSrc.LOCAL, offset: 0, imm: 0 });
  }

  /** exit emits `exit`. */
  exit(): void {
    this.push({ opcode: EXIT, dst: 0, src: 0, offset: 0, imm: 0 });
  }

  /** finish resolves every label and returns the instructions and their comments. */
  finish(): { insns: Instruction[]; comments: Map<number, string> } {
    const slots: number[] = [];
    let at = 0;
    for (const insn of this.insns) {
      slots.push(at);
      at += width(insn);
    }
    const insns = [...this.insns];
    for (const { index, label, kind } of this.fixups) {
      if (label.slot === undefined) throw new Error(`codegen: label ${label.name} was never placed`);
      const insn = insns[index] as Instruction;
      const slot = slots[index] as number;
      // Calls and FUNC lddw count from slot + 1 (for lddw its second slot, as Linux does); jumps from the next instruction.
      if (kind === 'func' || kind === 'call') insns[index] = { ...insn, imm: label.slot - (slot + 1) };
      else {
        const relative = label.slot - (slot + width(insn));
        if (relative < -32768 || relative > 32767) throw new Error(`codegen: jump to ${label.name} is out of range`);
        insns[index] = { ...insn, offset: relative };
      }
    }
    return { insns, comments: new Map(this.comments) };
  }

  /** slotCount is the number of slots emitted so far (the slot of the next instruction). */
  get nextSlot(): number {
    return this.slot;
  }

  private push(insn: Instruction): void {
    this.insns.push(insn);
    this.slot += width(insn);
  }
}
