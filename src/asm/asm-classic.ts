// The bpf_conformance / uBPF assembler syntax: `mnemonic op, op, op` with %rN registers and [%rN+off] memory.
import { TokenCursor, type Token } from './asm-lexer.js';
import { type ParsedInsn, insn, parseCall, parseLddwSource, readClassicMem, withTarget } from './asm-common.js';
import { looksLikeRegister, readImm32, readRegister64, readTarget } from './asm-operands.js';
import { ALU_MNEMONICS, ATOMIC_NAMES, JUMP_MNEMONICS, SIZE_FIELDS, type SizeName } from './asm-tables.js';
import { AluOp, AtomicOp, Class, EXIT, Mode, Source } from './opcodes.js';

/** ClassicForm is how to read one classic mnemonic: operand descriptions and the reader. */
interface ClassicForm {
  readonly operands: readonly string[];
  readonly parse: (ops: readonly TokenCursor[]) => ParsedInsn;
}

/** isClassicMnemonic tells whether a line's first word starts a classic-syntax instruction. */
export function isClassicMnemonic(word: string): boolean {
  return word === 'call' || word === 'lock' || classicForm(word) !== undefined;
}

/** parseClassic parses the rest of a classic-syntax line whose mnemonic token is `mnemonic`. */
export function parseClassic(mnemonic: Token, cur: TokenCursor): ParsedInsn {
  if (mnemonic.text === 'call') {
    const parsed = parseCall(cur);
    cur.expectEnd('the call target');
    return parsed;
  }
  if (mnemonic.text === 'lock') return parseLock(cur);
  const form = classicForm(mnemonic.text);
  if (!form) throw cur.fail(`unknown mnemonic '${mnemonic.text}'`, mnemonic);
  const ops = splitOperands(cur);
  if (ops.length !== form.operands.length) {
    const wanted = form.operands.length === 0 ? 'no operands' : `${form.operands.length} operand(s) (${form.operands.join(', ')})`;
    throw cur.fail(`'${mnemonic.text}' takes ${wanted}, found ${ops.length}`, mnemonic);
  }
  const parsed = form.parse(ops);
  ops.forEach((op, i) => op.expectEnd(`operand ${form.operands[i]}`));
  return parsed;
}

/** splitOperands cuts the rest of the line at commas into one cursor per operand. */
function splitOperands(cur: TokenCursor): TokenCursor[] {
  if (cur.atEnd()) return [];
  const ops: TokenCursor[] = [];
  let group: Token[] = [];
  for (;;) {
    const token = cur.peek();
    if (!token || token.text === ',') {
      const end = token ? token.column : cur.endColumn;
      if (group.length === 0) throw cur.fail('missing operand', token);
      ops.push(new TokenCursor(group, cur.where, end));
      group = [];
      if (!token) return ops;
    } else {
      group.push(token);
    }
    cur.next('an operand');
  }
}

/** classicForm returns how to read a mnemonic, or undefined if it is not one. */
function classicForm(name: string): ClassicForm | undefined {
  if (name === 'exit') return { operands: [], parse: () => ({ insn: insn(EXIT) }) };
  if (name === 'ja' || name === 'ja32') {
    const wide = name === 'ja32';
    return {
      operands: ['target'],
      parse: ([t]) => withTarget(insn(wide ? Class.JMP32 : Class.JMP), readTarget(t!, wide ? 32 : 16), wide ? 'imm' : 'offset'),
    };
  }
  if (name === 'lddw') {
    return { operands: ['dst', 'imm64'], parse: ([d, v]) => parseLddwSource(v!, classicRegister(d!)) };
  }
  const memory = /^(ldxs|ldx|stx|st)(b|h|w|dw)$/.exec(name);
  if (memory) return memoryForm(memory[1]!, memory[2] as SizeName);
  const end = /^(be|le|bswap|swap)(16|32|64)$/.exec(name);
  if (end) {
    const opcode =
      end[1] === 'be' ? Class.ALU | AluOp.END | Source.X : end[1] === 'le' ? Class.ALU | AluOp.END : Class.ALU64 | AluOp.END;
    return { operands: ['dst'], parse: ([d]) => ({ insn: insn(opcode, classicRegister(d!), 0, 0, Number(end[2])) }) };
  }
  const movsx = /^movsx(8|16|32)(32|64)$/.exec(name);
  if (movsx && !(movsx[1] === '32' && movsx[2] === '32')) {
    const cls = movsx[2] === '32' ? Class.ALU : Class.ALU64;
    return {
      operands: ['dst', 'src'],
      parse: ([d, s]) => ({ insn: insn(cls | AluOp.MOV | Source.X, classicRegister(d!), classicRegister(s!), Number(movsx[1])) }),
    };
  }
  const sized = /^([a-z]+?)(32|64)?$/.exec(name);
  if (!sized) return undefined;
  const base = sized[1]!;
  const jump = JUMP_MNEMONICS.get(base);
  if (jump !== undefined && sized[2] !== '64') {
    const cls = sized[2] === '32' ? Class.JMP32 : Class.JMP;
    return {
      operands: ['dst', 'src or imm', 'target'],
      parse: ([d, s, t]) => {
        const dst = classicRegister(d!);
        const operand = regOrImm(s!);
        return withTarget(insn(cls | jump | operand.source, dst, operand.src, 0, operand.imm), readTarget(t!, 16), 'offset');
      },
    };
  }
  const alu = ALU_MNEMONICS.get(base);
  if (alu === undefined) return undefined;
  const cls = sized[2] === '32' ? Class.ALU : Class.ALU64;
  if (alu.op === AluOp.NEG) {
    return { operands: ['dst'], parse: ([d]) => ({ insn: insn(cls | AluOp.NEG, classicRegister(d!)) }) };
  }
  return {
    operands: ['dst', 'src or imm'],
    parse: ([d, s]) => {
      const dst = classicRegister(d!);
      const operand = regOrImm(s!);
      return { insn: insn(cls | alu.op | operand.source, dst, operand.src, alu.offset, operand.imm) };
    },
  };
}

/** memoryForm reads ldx/ldxs/st/stx of one size. */
function memoryForm(kind: string, size: SizeName): ClassicForm | undefined {
  const sizeField = SIZE_FIELDS[size];
  switch (kind) {
    case 'ldx':
    case 'ldxs':
      if (kind === 'ldxs' && size === 'dw') return undefined;
      return {
        operands: ['dst', '[src+offset]'],
        parse: ([d, m]) => {
          const dst = classicRegister(d!);
          const mem = readClassicMem(m!);
          return { insn: insn(Class.LDX | (kind === 'ldxs' ? Mode.MEMSX : Mode.MEM) | sizeField, dst, mem.reg, mem.offset) };
        },
      };
    case 'st':
      return {
        operands: ['[dst+offset]', 'imm'],
        parse: ([m, v]) => {
          const mem = readClassicMem(m!);
          return { insn: insn(Class.ST | Mode.MEM | sizeField, mem.reg, 0, mem.offset, readImm32(v!)) };
        },
      };
    default:
      return {
        operands: ['[dst+offset]', 'src'],
        parse: ([m, s]) => {
          const mem = readClassicMem(m!);
          return { insn: insn(Class.STX | Mode.MEM | sizeField, mem.reg, classicRegister(s!), mem.offset) };
        },
      };
  }
}

/** classicRegister reads a register of the classic syntax, where the mnemonic (not a w view) picks 32 bits. */
function classicRegister(cur: TokenCursor): number {
  return readRegister64(cur, 'the classic syntax writes %rN and picks 32 bits with the mnemonic (add32)');
}

/** regOrImm reads an ALU or jump source operand: a register (X form) or a 32-bit immediate (K form). */
function regOrImm(cur: TokenCursor): { source: number; src: number; imm: number } {
  if (looksLikeRegister(cur.peek())) return { source: Source.X, src: classicRegister(cur), imm: 0 };
  return { source: Source.K, src: 0, imm: readImm32(cur) };
}

/** parseLock reads `lock [fetch] OP[32] [%rD+off], %rS` (xchg and cmpxchg always fetch). */
function parseLock(cur: TokenCursor): ParsedInsn {
  const usage = 'lock needs an operation: lock [fetch] add|or|and|xor|xchg|cmpxchg[32] [%rD+off], %rS';
  if (cur.atEnd()) throw cur.fail(`invalid number of operands for lock: ${usage}`);
  const fetch = cur.accept('fetch') ? AtomicOp.FETCH : 0;
  const opToken = cur.next('an atomic operation');
  const m = /^([a-z]+?)(32|64)?$/.exec(opToken.text);
  const op = m ? ATOMIC_NAMES.get(m[1]!) : undefined;
  if (op === undefined) throw cur.fail(`unknown atomic operation '${opToken.text}': ${usage}`, opToken);
  const ops = splitOperands(cur);
  if (ops.length !== 2) {
    throw cur.fail(`invalid number of operands for lock ${opToken.text}: takes 2 ([dst+offset], src), found ${ops.length}`, opToken);
  }
  const mem = readClassicMem(ops[0]!);
  const src = classicRegister(ops[1]!);
  ops[0]!.expectEnd('the memory operand');
  ops[1]!.expectEnd('the source register');
  const size = m![2] === '32' ? SIZE_FIELDS.w : SIZE_FIELDS.dw;
  return { insn: insn(Class.STX | Mode.ATOMIC | size, mem.reg, src, mem.offset, op | fetch) };
}
