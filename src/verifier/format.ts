// A small kernel-syntax instruction formatter for the verifier's log, until src/asm/disassembler.ts exists.
import { type Instruction, lddwValue } from '../asm/instruction.js';
import { helperName } from '../asm/helpers.js';
import {
  AluOp,
  CALL,
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
  SOURCE_MASK,
  Source,
  sizeBytes,
} from '../asm/opcodes.js';

const ALU_SYMBOL: Record<number, string> = {
  [AluOp.ADD]: '+=',
  [AluOp.SUB]: '-=',
  [AluOp.MUL]: '*=',
  [AluOp.DIV]: '/=',
  [AluOp.OR]: '|=',
  [AluOp.AND]: '&=',
  [AluOp.LSH]: '<<=',
  [AluOp.RSH]: '>>=',
  [AluOp.MOD]: '%=',
  [AluOp.XOR]: '^=',
  [AluOp.MOV]: '=',
  [AluOp.ARSH]: 's>>=',
};

const JMP_SYMBOL: Record<number, string> = {
  [JmpOp.JEQ]: '==',
  [JmpOp.JGT]: '>',
  [JmpOp.JGE]: '>=',
  [JmpOp.JSET]: '&',
  [JmpOp.JNE]: '!=',
  [JmpOp.JSGT]: 's>',
  [JmpOp.JSGE]: 's>=',
  [JmpOp.JLT]: '<',
  [JmpOp.JLE]: '<=',
  [JmpOp.JSLT]: 's<',
  [JmpOp.JSLE]: 's<=',
};

const ATOMIC_NAME: Record<number, string> = { 0x00: 'add', 0x40: 'or', 0x50: 'and', 0xa0: 'xor' };

/** formatInstruction renders one instruction in the kernel's verifier-log syntax. */
export function formatInstruction(insn: Instruction, slot: number): string {
  const { opcode, dst, src, offset, imm } = insn;
  const cls = opcode & CLASS_MASK;
  const off = offset < 0 ? ` - ${-offset}` : ` + ${offset}`;
  const size = `u${sizeBytes(opcode) * 8}`;
  switch (cls) {
    case Class.ALU:
    case Class.ALU64:
      return formatAlu(insn, cls === Class.ALU64 ? 'r' : 'w');
    case Class.JMP:
    case Class.JMP32:
      return formatJump(insn, slot, cls === Class.JMP ? 'r' : 'w');
    case Class.LD:
      if (opcode !== LDDW) return `unknown opcode 0x${opcode.toString(16)}`;
      if (src === PseudoSrc.MAP_FD) return `r${dst} = map[#${imm}] ll`;
      if (src === PseudoSrc.MAP_VALUE) return `r${dst} = map_value[#${imm}] + ${insn.imm2 ?? 0} ll`;
      if (src === PseudoSrc.FUNC) return `r${dst} = func[#${slot + imm + 1}] ll`;
      return `r${dst} = 0x${lddwValue(insn).toString(16)} ll`;
    case Class.LDX: {
      const signed = (opcode & MODE_MASK) === Mode.MEMSX ? 's' : 'u';
      return `r${dst} = *(${signed}${sizeBytes(opcode) * 8} *)(r${src}${off})`;
    }
    case Class.ST:
      return `*(${size} *)(r${dst}${off}) = ${imm}`;
    default:
      if ((opcode & MODE_MASK) === Mode.ATOMIC) return formatAtomic(insn, size, off);
      return `*(${size} *)(r${dst}${off}) = r${src}`;
  }
}

function formatAlu(insn: Instruction, r: 'r' | 'w'): string {
  const { opcode, dst, src, offset, imm } = insn;
  const op = opcode & OP_MASK;
  const operand = (opcode & SOURCE_MASK) === Source.X ? `${r}${src}` : `${imm}`;
  if (op === AluOp.NEG) return `${r}${dst} = -${r}${dst}`;
  if (op === AluOp.END) {
    const kind = (opcode & CLASS_MASK) === Class.ALU64 ? 'bswap' : (opcode & SOURCE_MASK) === Source.X ? 'be' : 'le';
    return `r${dst} = ${kind}${imm} r${dst}`;
  }
  if (op === AluOp.MOV && offset !== 0) return `${r}${dst} = (s${offset})${r}${src}`;
  const symbol = ALU_SYMBOL[op] ?? '?=';
  const signed = (op === AluOp.DIV || op === AluOp.MOD) && offset === 1 ? 's' : '';
  return `${r}${dst} ${signed}${symbol} ${operand}`;
}

function formatJump(insn: Instruction, slot: number, r: 'r' | 'w'): string {
  const { opcode, dst, src, offset, imm } = insn;
  if (opcode === EXIT) return 'exit';
  if (opcode === CALL) {
    if (src === CallSrc.LOCAL) return `call pc${imm >= 0 ? '+' : ''}${imm} (insn #${slot + imm + 1})`;
    return `call ${helperName(imm) ?? `#${imm}`}`;
  }
  const op = opcode & OP_MASK;
  if (op === JmpOp.CALL) return `callx r${dst}`;
  if (op === JmpOp.JA) {
    const delta = (opcode & CLASS_MASK) === Class.JMP ? offset : imm;
    return `goto ${delta >= 0 ? '+' : ''}${delta}`;
  }
  const operand = (opcode & SOURCE_MASK) === Source.X ? `${r}${src}` : `${imm}`;
  return `if ${r}${dst} ${JMP_SYMBOL[op] ?? '?'} ${operand} goto ${offset >= 0 ? '+' : ''}${offset}`;
}

function formatAtomic(insn: Instruction, size: string, off: string): string {
  const { dst, src, imm } = insn;
  const where = `(${size} *)(r${dst}${off})`;
  if (imm === 0xe1) return `r${src} = xchg(${where}, r${src})`;
  if (imm === 0xf1) return `r0 = cmpxchg(${where}, r0, r${src})`;
  const name = ATOMIC_NAME[imm & ~1] ?? '?';
  return imm & 1 ? `r${src} = atomic_fetch_${name}(${where}, r${src})` : `lock *${where} ${name}= r${src}`;
}
