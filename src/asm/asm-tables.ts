// Name tables shared by the assembler and the disassembler: mnemonics and operators for each opcode field.
import { AluOp, AtomicOp, JmpOp, Size } from './opcodes.js';

/** ALU_MNEMONICS maps classic ALU mnemonics (without the 32/64 suffix) to their operation and offset. */
export const ALU_MNEMONICS: ReadonlyMap<string, { op: number; offset: number }> = new Map([
  ['add', { op: AluOp.ADD, offset: 0 }],
  ['sub', { op: AluOp.SUB, offset: 0 }],
  ['mul', { op: AluOp.MUL, offset: 0 }],
  ['div', { op: AluOp.DIV, offset: 0 }],
  ['sdiv', { op: AluOp.DIV, offset: 1 }],
  ['or', { op: AluOp.OR, offset: 0 }],
  ['and', { op: AluOp.AND, offset: 0 }],
  ['lsh', { op: AluOp.LSH, offset: 0 }],
  ['rsh', { op: AluOp.RSH, offset: 0 }],
  ['neg', { op: AluOp.NEG, offset: 0 }],
  ['mod', { op: AluOp.MOD, offset: 0 }],
  ['smod', { op: AluOp.MOD, offset: 1 }],
  ['xor', { op: AluOp.XOR, offset: 0 }],
  ['mov', { op: AluOp.MOV, offset: 0 }],
  ['arsh', { op: AluOp.ARSH, offset: 0 }],
]);

/** ALU_OPERATORS maps kernel-syntax compound assignments (`r0 += r1`) to their operation and offset. */
export const ALU_OPERATORS: ReadonlyMap<string, { op: number; offset: number }> = new Map([
  ['+=', { op: AluOp.ADD, offset: 0 }],
  ['-=', { op: AluOp.SUB, offset: 0 }],
  ['*=', { op: AluOp.MUL, offset: 0 }],
  ['/=', { op: AluOp.DIV, offset: 0 }],
  ['s/=', { op: AluOp.DIV, offset: 1 }],
  ['|=', { op: AluOp.OR, offset: 0 }],
  ['&=', { op: AluOp.AND, offset: 0 }],
  ['<<=', { op: AluOp.LSH, offset: 0 }],
  ['>>=', { op: AluOp.RSH, offset: 0 }],
  ['%=', { op: AluOp.MOD, offset: 0 }],
  ['s%=', { op: AluOp.MOD, offset: 1 }],
  ['^=', { op: AluOp.XOR, offset: 0 }],
  ['s>>=', { op: AluOp.ARSH, offset: 0 }],
]);

/** aluOperator returns the kernel-syntax operator of an ALU operation (offset 1 marks sdiv/smod). */
export function aluOperator(op: number, offset: number): string | undefined {
  for (const [text, entry] of ALU_OPERATORS) if (entry.op === op && entry.offset === offset) return text;
  return undefined;
}

/** JUMP_MNEMONICS maps classic conditional jump mnemonics (without the 32 suffix) to their operation. */
export const JUMP_MNEMONICS: ReadonlyMap<string, number> = new Map([
  ['jeq', JmpOp.JEQ],
  ['jgt', JmpOp.JGT],
  ['jge', JmpOp.JGE],
  ['jset', JmpOp.JSET],
  ['jne', JmpOp.JNE],
  ['jsgt', JmpOp.JSGT],
  ['jsge', JmpOp.JSGE],
  ['jlt', JmpOp.JLT],
  ['jle', JmpOp.JLE],
  ['jslt', JmpOp.JSLT],
  ['jsle', JmpOp.JSLE],
]);

/** JUMP_OPERATORS maps kernel-syntax comparison operators (`if r1 s> r2`) to their jump operation. */
export const JUMP_OPERATORS: ReadonlyMap<string, number> = new Map([
  ['==', JmpOp.JEQ],
  ['>', JmpOp.JGT],
  ['>=', JmpOp.JGE],
  ['&', JmpOp.JSET],
  ['!=', JmpOp.JNE],
  ['s>', JmpOp.JSGT],
  ['s>=', JmpOp.JSGE],
  ['<', JmpOp.JLT],
  ['<=', JmpOp.JLE],
  ['s<', JmpOp.JSLT],
  ['s<=', JmpOp.JSLE],
]);

/** jumpOperator returns the kernel-syntax comparison of a conditional jump operation. */
export function jumpOperator(op: number): string | undefined {
  for (const [text, value] of JUMP_OPERATORS) if (value === op) return text;
  return undefined;
}

/** SizeName is an access size as classic mnemonics and the builder spell it. */
export type SizeName = 'b' | 'h' | 'w' | 'dw';

/** SIZE_FIELDS maps size names to the opcode's size field. */
export const SIZE_FIELDS: Readonly<Record<SizeName, number>> = { b: Size.B, h: Size.H, w: Size.W, dw: Size.DW };

/** ATOMIC_NAMES maps classic `lock` operation names to the atomic immediate (without FETCH). */
export const ATOMIC_NAMES: ReadonlyMap<string, number> = new Map([
  ['add', AtomicOp.ADD],
  ['or', AtomicOp.OR],
  ['and', AtomicOp.AND],
  ['xor', AtomicOp.XOR],
  ['xchg', AtomicOp.XCHG],
  ['cmpxchg', AtomicOp.CMPXCHG],
]);

/** ATOMIC_OPERATORS maps the kernel-syntax `lock *(u64 *)(r1 + 0) += r2` operators to atomic immediates. */
export const ATOMIC_OPERATORS: ReadonlyMap<string, number> = new Map([
  ['+=', AtomicOp.ADD],
  ['|=', AtomicOp.OR],
  ['&=', AtomicOp.AND],
  ['^=', AtomicOp.XOR],
]);
