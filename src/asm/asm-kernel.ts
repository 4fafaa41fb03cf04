// The kernel / llvm-objdump assembler syntax: `r0 += r1`, `if w1 s> 5 goto +2`, `r0 = *(u32 *)(r1 + 4)`.
import type { Token, TokenCursor } from './asm-lexer.js';
import {
  type MemOperand,
  insn,
  type ParsedInsn,
  parseCallx,
  parseLddwSource,
  readAddress,
  readAddressBody,
  withTarget,
} from './asm-common.js';
import { type RegisterOperand, readImm32, readRegister, readTarget, registerNumber } from './asm-operands.js';
import { ALU_OPERATORS, ATOMIC_NAMES, ATOMIC_OPERATORS, JUMP_OPERATORS } from './asm-tables.js';
import { AluOp, AtomicOp, Class, JmpOp, Mode, Size, Source } from './opcodes.js';

/** parseKernel parses a kernel-syntax instruction; the cursor is at the line's first token. */
export function parseKernel(cur: TokenCursor): ParsedInsn {
  const first = cur.peek()!;
  let parsed: ParsedInsn;
  switch (first.text) {
    case 'callx':
      cur.next('callx');
      parsed = parseCallx(cur);
      break;
    case 'goto':
    case 'gotol': {
      cur.next('goto');
      const wide = first.text === 'gotol';
      const target = readTarget(cur, wide ? 32 : 16);
      parsed = withTarget(insn((wide ? Class.JMP32 : Class.JMP) | JmpOp.JA), target, wide ? 'imm' : 'offset');
      break;
    }
    case 'if':
      parsed = parseConditional(cur);
      break;
    case 'lock':
      parsed = parseLockOp(cur);
      break;
    case '*':
      parsed = parseStore(cur);
      break;
    default:
      if (!registerNumber(first.text)) throw cur.fail(`unknown mnemonic '${first.text}'`, first);
      parsed = parseAssignment(cur);
  }
  cur.expectEnd('the instruction');
  return parsed;
}

/** readAccessType reads `(u32 *)` or `(s16 *)` and returns the size field and signedness. */
function readAccessType(cur: TokenCursor): { size: number; signed: boolean; bytes: number; token: Token } {
  cur.expect('(');
  const token = cur.next('an access type like u32');
  const m = /^([us])(8|16|32|64)$/.exec(token.text);
  if (!m) throw cur.fail(`expected an access type u8, u16, u32, u64 (or s8, s16, s32), found '${token.text}'`, token);
  cur.expect('*');
  cur.expect(')');
  const bytes = Number(m[2]) / 8;
  const size = bytes === 1 ? Size.B : bytes === 2 ? Size.H : bytes === 4 ? Size.W : Size.DW;
  return { size, signed: m[1] === 's', bytes, token };
}

/** readSameWidth reads a source register that must use the same r/w view as `dst`. */
function readSameWidth(cur: TokenCursor, dst: RegisterOperand): RegisterOperand {
  const src = readRegister(cur);
  if (src.view !== dst.view) throw cur.fail(`'${src.token.text}' mixes 32-bit (w) and 64-bit (r) registers`, src.token);
  return src;
}

/** parseConditional reads `if rA OP rB|imm goto T`; w registers select the JMP32 class. */
function parseConditional(cur: TokenCursor): ParsedInsn {
  cur.expect('if');
  const dst = readRegister(cur);
  const opToken = cur.next('a comparison');
  const op = JUMP_OPERATORS.get(opToken.text);
  if (op === undefined) throw cur.fail(`unknown comparison '${opToken.text}'`, opToken);
  const cls = dst.view === 'w' ? Class.JMP32 : Class.JMP;
  const reg = registerNumber(cur.peek()?.text ?? '') ? readSameWidth(cur, dst) : undefined;
  const imm = reg ? 0 : readImm32(cur);
  cur.expect('goto');
  const opcode = cls | op | (reg ? Source.X : Source.K);
  return withTarget(insn(opcode, dst.reg, reg?.reg ?? 0, 0, imm), readTarget(cur, 16), 'offset');
}

/** parseStore reads `*(uN *)(rD + off) = rS|imm`. */
function parseStore(cur: TokenCursor): ParsedInsn {
  const star = cur.expect('*');
  const type = readAccessType(cur);
  if (type.signed) throw cur.fail('stores take an unsigned access type (u8, u16, u32, u64)', star);
  const mem = readAddress(cur);
  cur.expect('=');
  if (registerNumber(cur.peek()?.text ?? '')) {
    const src = readRegister(cur).reg;
    return { insn: insn(Class.STX | Mode.MEM | type.size, mem.reg, src, mem.offset) };
  }
  return { insn: insn(Class.ST | Mode.MEM | type.size, mem.reg, 0, mem.offset, readImm32(cur)) };
}

/** atomicOpcode returns the STX|ATOMIC opcode for an access of `bytes`, refusing 8- and 16-bit ones. */
function atomicOpcode(cur: TokenCursor, bytes: number, at: Token): number {
  if (bytes !== 4 && bytes !== 8) throw cur.fail('atomic operations are 32 or 64 bits only', at);
  return Class.STX | Mode.ATOMIC | (bytes === 4 ? Size.W : Size.DW);
}

/** parseLockOp reads `lock *(u64 *)(rD + off) += rS` (also |=, &=, ^=). */
function parseLockOp(cur: TokenCursor): ParsedInsn {
  cur.expect('lock');
  cur.expect('*');
  const type = readAccessType(cur);
  const mem = readAddress(cur);
  const opToken = cur.next('an atomic operator');
  const op = ATOMIC_OPERATORS.get(opToken.text);
  if (op === undefined) throw cur.fail(`unknown atomic operator '${opToken.text}' (use +=, |=, &= or ^=)`, opToken);
  const src = readRegister(cur).reg;
  return { insn: insn(atomicOpcode(cur, type.bytes, type.token), mem.reg, src, mem.offset, op) };
}

/** parseAssignment reads every `rD = ...` and `rD OP= ...` form. */
function parseAssignment(cur: TokenCursor): ParsedInsn {
  const dst = readRegister(cur);
  const cls = dst.view === 'w' ? Class.ALU : Class.ALU64;
  const opToken = cur.next('an assignment');
  if (opToken.text !== '=') {
    const alu = ALU_OPERATORS.get(opToken.text);
    if (!alu) throw cur.fail(`unknown operator '${opToken.text}'`, opToken);
    if (registerNumber(cur.peek()?.text ?? '')) {
      const src = readSameWidth(cur, dst);
      return { insn: insn(cls | alu.op | Source.X, dst.reg, src.reg, alu.offset) };
    }
    return { insn: insn(cls | alu.op, dst.reg, 0, alu.offset, readImm32(cur)) };
  }
  const next = cur.peek();
  if (!next) throw cur.fail('expected a value after =');
  if (next.text === '*') {
    cur.next('*');
    const type = readAccessType(cur);
    if (type.signed && type.bytes === 8) throw cur.fail('there is no s64 load; use u64', next);
    const mem = readAddress(cur);
    return { insn: insn(Class.LDX | (type.signed ? Mode.MEMSX : Mode.MEM) | type.size, dst.reg, mem.reg, mem.offset) };
  }
  if (next.text === '-' && registerNumber(cur.peek(1)?.text ?? '')) {
    cur.next('-');
    sameRegister(cur, dst, readSameWidth(cur, dst), 'neg');
    return { insn: insn(cls | AluOp.NEG, dst.reg) };
  }
  if (next.text === '(') return parseMovsx(cur, dst, cls);
  const swap = /^(be|le|bswap)(16|32|64)$/.exec(next.text);
  if (swap) {
    cur.next('a byte swap');
    sameRegister(cur, dst, readRegister(cur), swap[1]!);
    const opcode = swap[1] === 'be' ? Class.ALU | AluOp.END | Source.X : swap[1] === 'le' ? Class.ALU | AluOp.END : Class.ALU64 | AluOp.END;
    return { insn: insn(opcode, dst.reg, 0, 0, Number(swap[2])) };
  }
  if (/^(atomic_fetch_|xchg|cmpxchg)/.test(next.text)) return parseFetchingAtomic(cur, dst);
  if (['map', 'func', 'pseudo'].includes(next.text) && cur.is('[', 1)) return lddw(cur, dst);
  if (registerNumber(next.text)) {
    const src = readSameWidth(cur, dst);
    return { insn: insn(cls | AluOp.MOV | Source.X, dst.reg, src.reg) };
  }
  const signed = next.text === '-' || next.text === '+';
  if (cur.is('ll', signed ? 2 : 1)) return lddw(cur, dst);
  return { insn: insn(cls | AluOp.MOV, dst.reg, 0, 0, readImm32(cur)) };
}

/** lddw reads a 64-bit load's value and its `ll` suffix. */
function lddw(cur: TokenCursor, dst: RegisterOperand): ParsedInsn {
  if (dst.view !== 'r') throw cur.fail('a 64-bit load (ll) needs an r register', dst.token);
  const parsed = parseLddwSource(cur, dst.reg);
  cur.expect('ll');
  return parsed;
}

/** parseMovsx reads `rD = (s8)rS` (also s16, s32; w registers for the 32-bit form). */
function parseMovsx(cur: TokenCursor, dst: RegisterOperand, cls: number): ParsedInsn {
  cur.expect('(');
  const token = cur.next('s8, s16 or s32');
  const m = /^s(8|16|32)$/.exec(token.text);
  if (!m || (m[1] === '32' && cls === Class.ALU)) throw cur.fail(`expected a sign-extending cast (s8, s16, s32), found '${token.text}'`, token);
  cur.expect(')');
  const src = readSameWidth(cur, dst);
  return { insn: insn(cls | AluOp.MOV | Source.X, dst.reg, src.reg, Number(m[1])) };
}

/** sameRegister checks that an operation written `rD = op rS` names one register on both sides. */
function sameRegister(cur: TokenCursor, dst: RegisterOperand, src: RegisterOperand, what: string): void {
  if (src.reg !== dst.reg) throw cur.fail(`${what} works in place: write ${dst.token.text} on both sides`, src.token);
}

/**
 * parseFetchingAtomic reads the atomics that write a register: `rS = atomic_fetch_add((u64 *)(rD + off), rS)`
 * (also _or, _and, _xor), `rS = xchg_64(rD + off, rS)`, `r0 = cmpxchg_64(rD + off, r0, rS)` and their
 * 32-bit forms (`xchg32_32`, `cmpxchg32_32`, `(u32 *)`).
 */
function parseFetchingAtomic(cur: TokenCursor, dst: RegisterOperand): ParsedInsn {
  const name = cur.next('an atomic operation');
  const fetch = /^atomic_fetch_(add|or|and|xor)$/.exec(name.text);
  const exchange = /^(xchg|cmpxchg)(?:_64|32_32)$/.exec(name.text);
  if (!fetch && !exchange) throw cur.fail(`unknown atomic operation '${name.text}'`, name);
  cur.expect('(');
  let mem: MemOperand;
  let bytes: number;
  if (fetch) {
    bytes = readAccessType(cur).bytes;
    mem = readAddress(cur);
  } else {
    bytes = name.text.includes('32_32') ? 4 : 8;
    mem = readAddressBody(cur);
  }
  cur.expect(',');
  let imm: number;
  if (exchange?.[1] === 'cmpxchg') {
    const expected = readRegister(cur);
    if (dst.reg !== 0 || expected.reg !== 0) throw cur.fail('cmpxchg compares with and returns in r0: write r0 = cmpxchg_64(rD + off, r0, rS)', dst.token);
    cur.expect(',');
    imm = AtomicOp.CMPXCHG;
  } else {
    imm = exchange ? AtomicOp.XCHG : ATOMIC_NAMES.get(fetch![1]!)! | AtomicOp.FETCH;
  }
  const src = readRegister(cur);
  cur.expect(')');
  if (imm !== AtomicOp.CMPXCHG) sameRegister(cur, dst, src, name.text);
  return { insn: insn(atomicOpcode(cur, bytes, name), mem.reg, src.reg, mem.offset, imm) };
}
