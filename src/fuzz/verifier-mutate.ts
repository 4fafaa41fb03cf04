// The verifier campaign's mutations: one targeted change to a well-formed program, of the kinds that break verifiers (off-by-one bounds, sizes, signs, dropped checks).
import { type Instruction, width } from '../asm/instruction.js';
import { AluOp, CALL, CLASS_MASK, CallSrc, Class, EXIT, JmpOp, LDDW, MODE_MASK, Mode, OP_MASK, PseudoSrc, SIZE_MASK, Size, Source } from '../asm/opcodes.js';
import type { Random } from './generator.js';
import { EDGE_IMMS, NOP, R0, SIZES } from './verifier-code.js';

const COND_OPS = [JmpOp.JEQ, JmpOp.JGT, JmpOp.JGE, JmpOp.JSET, JmpOp.JNE, JmpOp.JSGT, JmpOp.JSGE, JmpOp.JLT, JmpOp.JLE, JmpOp.JSLT, JmpOp.JSLE];
/** NEIGHBOUR_OP: the comparison a bound check is most easily confused with (off-by-one and sign mistakes). */
const NEIGHBOUR_OP: Record<number, number[]> = {
  [JmpOp.JGT]: [JmpOp.JGE, JmpOp.JSGT, JmpOp.JLT],
  [JmpOp.JGE]: [JmpOp.JGT, JmpOp.JSGE],
  [JmpOp.JLT]: [JmpOp.JLE, JmpOp.JSLT, JmpOp.JGT],
  [JmpOp.JLE]: [JmpOp.JLT, JmpOp.JSLE],
  [JmpOp.JSGT]: [JmpOp.JSGE, JmpOp.JGT],
  [JmpOp.JSGE]: [JmpOp.JSGT, JmpOp.JGE],
  [JmpOp.JSLT]: [JmpOp.JSLE, JmpOp.JLT],
  [JmpOp.JSLE]: [JmpOp.JSLT, JmpOp.JLE],
  [JmpOp.JEQ]: [JmpOp.JNE],
  [JmpOp.JNE]: [JmpOp.JEQ],
  [JmpOp.JSET]: [JmpOp.JEQ, JmpOp.JNE],
};


/** mutate changes one thing in `insns` (keeping its length), or returns undefined when nothing fit. */
export function mutate(insns: Instruction[], rng: Random, mapCount: number): { insns: Instruction[]; what: string } | undefined {
  const slots: number[] = [];
  let slot = 0;
  for (const insn of insns) {
    slots.push(slot);
    slot += width(insn);
  }
  const memoryClasses: readonly number[] = [Class.LDX, Class.ST, Class.STX];
  const memory = (i: Instruction) => memoryClasses.includes(i.opcode & CLASS_MASK);
  const conditional = (i: Instruction) => {
    const cls = i.opcode & CLASS_MASK;
    const op = i.opcode & OP_MASK;
    return (cls === Class.JMP || cls === Class.JMP32) && op !== JmpOp.JA && op !== JmpOp.CALL && op !== JmpOp.EXIT;
  };
  const aluInsn = (i: Instruction) => (i.opcode & CLASS_MASK) === Class.ALU || (i.opcode & CLASS_MASK) === Class.ALU64;
  const kinds: [string, (i: Instruction) => boolean, (i: Instruction) => Instruction][] = [
    ['mem-offset', memory, (i) => ({ ...i, offset: i.offset + rng.pick([-8, -4, -2, -1, 1, 1, 2, 4, 8]) })],
    ['mem-size', (i) => memory(i) && (i.opcode & MODE_MASK) !== Mode.ATOMIC, (i) => ({ ...i, opcode: (i.opcode & ~SIZE_MASK) | rng.pick(SIZES) })],
    ['load-sign', (i) => (i.opcode & CLASS_MASK) === Class.LDX && (i.opcode & SIZE_MASK) !== Size.DW, (i) => ({ ...i, opcode: i.opcode ^ (Mode.MEM ^ Mode.MEMSX) })],
    ['bound-imm', (i) => conditional(i) && (i.opcode & Source.X) === 0, (i) => ({ ...i, imm: i.imm + rng.pick([-1, 1, 8, -8]) })],
    ['bound-op', conditional, (i) => ({ ...i, opcode: (i.opcode & ~OP_MASK) | rng.pick(NEIGHBOUR_OP[i.opcode & OP_MASK] ?? COND_OPS) })],
    ['jmp32', conditional, (i) => ({ ...i, opcode: i.opcode ^ (Class.JMP ^ Class.JMP32) })],
    ['drop-check', conditional, () => NOP],
    ['swap-src', (i) => memory(i) || ((i.opcode & Source.X) !== 0 && (aluInsn(i) || conditional(i))), (i) => ({ ...i, src: rng.below(11) })],
    ['swap-dst', (i) => memory(i) || aluInsn(i) || conditional(i), (i) => ({ ...i, dst: rng.below(11) })],
    ['alu-imm', (i) => aluInsn(i) && (i.opcode & Source.X) === 0 && (i.opcode & OP_MASK) !== AluOp.END, (i) => ({ ...i, imm: rng.pick(EDGE_IMMS) })],
    ['alu-width', (i) => aluInsn(i) && (i.opcode & OP_MASK) !== AluOp.END, (i) => ({ ...i, opcode: i.opcode ^ (Class.ALU ^ Class.ALU64) })],
    ['drop', (i) => i.opcode !== LDDW && i.opcode !== EXIT, () => NOP],
    ['return', (i) => i.opcode === (Class.ALU64 | AluOp.MOV | Source.K) && i.dst === R0, (i) => ({ ...i, imm: rng.pick([2, 3, -1]) })],
    ['map-index', (i) => i.opcode === LDDW && (i.src === PseudoSrc.MAP_FD || i.src === PseudoSrc.MAP_VALUE), (i) => ({ ...i, imm: rng.below(mapCount), imm2: i.src === PseudoSrc.MAP_VALUE ? rng.pick([0, 8, 40, 44, 47, 48]) : 0 })],
    ['helper', (i) => i.opcode === CALL && i.src === CallSrc.HELPER, (i) => ({ ...i, imm: rng.pick([1, 2, 3, 5, 7, 8]) })],
  ];
  for (let attempt = 0; attempt < 8; attempt++) {
    const [name, fits, change] = rng.pick(kinds);
    const candidates = insns.map((insn, k) => (fits(insn) ? k : -1)).filter((k) => k >= 0);
    if (candidates.length === 0) continue;
    const k = rng.pick(candidates);
    const out = insns.slice();
    out[k] = change(insns[k]!);
    return { insns: out, what: `${name}@${slots[k]}` };
  }
  return undefined;
}
