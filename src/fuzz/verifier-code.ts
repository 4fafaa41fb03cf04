// The verifier campaign's instruction pieces: shorthands for the instructions its fragments write, edge-case operands, and Code, which places labels.
import { type Instruction } from '../asm/instruction.js';
import { AluOp, CALL, CallSrc, Class, EXIT, JmpOp, Mode, Size, Source } from '../asm/opcodes.js';
import { link, type LinkItem } from './link.js';

export const SIZES: readonly number[] = [Size.B, Size.H, Size.W, Size.DW];
export const EDGE_IMMS = [0, 1, -1, 2, 7, 8, 15, 16, 31, 32, 33, 47, 48, 63, 64, 65, 0xff, 0x100, 0xffff, 0x7fffffff, -0x80000000, 0x12345678];
export const EDGE_LONGS = [0n, 1n, 0xffn, 0x100n, 0xffff_ffffn, 0x1_0000_0000n, 0x8000_0000_0000_0000n, 0xffff_ffff_ffff_ffffn, 0x0102_0304_0506_0708n, 0x2f00_0000_0000_0000n, 0x0000_0000_2f00_0000n];

export const R0 = 0;
export const R6 = 6;
export const R7 = 7;

export const mov = (dst: number, imm: number): Instruction => ({ opcode: Class.ALU64 | AluOp.MOV | Source.K, dst, src: 0, offset: 0, imm });
export const movx = (dst: number, src: number): Instruction => ({ opcode: Class.ALU64 | AluOp.MOV | Source.X, dst, src, offset: 0, imm: 0 });
export const alu = (op: number, dst: number, imm: number, cls: number = Class.ALU64): Instruction => ({ opcode: cls | op | Source.K, dst, src: 0, offset: 0, imm });
export const alux = (op: number, dst: number, src: number, cls: number = Class.ALU64): Instruction => ({ opcode: cls | op | Source.X, dst, src, offset: 0, imm: 0 });
export const ldx = (size: number, dst: number, src: number, offset: number, signed = false): Instruction => ({ opcode: Class.LDX | (signed ? Mode.MEMSX : Mode.MEM) | size, dst, src, offset, imm: 0 });
export const stx = (size: number, dst: number, offset: number, src: number): Instruction => ({ opcode: Class.STX | Mode.MEM | size, dst, src, offset, imm: 0 });
export const st = (size: number, dst: number, offset: number, imm: number): Instruction => ({ opcode: Class.ST | Mode.MEM | size, dst, src: 0, offset, imm });
export const call = (id: number): Instruction => ({ opcode: CALL, dst: 0, src: CallSrc.HELPER, offset: 0, imm: id });
export const exit: Instruction = { opcode: EXIT, dst: 0, src: 0, offset: 0, imm: 0 };
export const NOP: Instruction = { opcode: Class.JMP | JmpOp.JA, dst: 0, src: 0, offset: 0, imm: 0 };

/** Code collects instructions and labels, then resolves label references into slot offsets. */
export class Code {
  private readonly items: LinkItem<string>[] = [];
  private counter = 0;

  fresh(prefix: string): string {
    return `${prefix}${this.counter++}`;
  }

  add(...insns: Instruction[]): void {
    for (const insn of insns) this.items.push({ insn });
  }

  to(insn: Instruction, label: string): void {
    this.items.push({ insn, to: label });
  }

  jmp(op: number, dst: number, imm: number, label: string, cls: number = Class.JMP): void {
    this.to({ opcode: cls | op | Source.K, dst, src: 0, offset: 0, imm }, label);
  }

  jmpx(op: number, dst: number, src: number, label: string, cls: number = Class.JMP): void {
    this.to({ opcode: cls | op | Source.X, dst, src, offset: 0, imm: 0 }, label);
  }

  label(name: string): void {
    this.items.push({ at: name });
  }

  resolve(): Instruction[] {
    return link(this.items);
  }
}
