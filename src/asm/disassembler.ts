// Disassembler: instructions to llvm-objdump's kernel syntax, which the assembler reads back unchanged.
import { formatMapDirective, formatProgramDirective } from './asm-directives.js';
import { aluOperator, jumpOperator } from './asm-tables.js';
import { relativeTarget } from './control.js';
import { helperName } from './helpers.js';
import { type Instruction, checkFields, encode, lddwValue, width } from './instruction.js';
import {
  AluOp,
  AtomicOp,
  CALL,
  CALLX,
  CLASS_MASK,
  CallSrc,
  Class,
  EXIT,
  JmpOp,
  MODE_MASK,
  Mode,
  OP_MASK,
  PseudoSrc,
  SOURCE_MASK,
  Source,
  sizeBytes,
} from './opcodes.js';
import type { ProgramSpec } from './program.js';

/** DisassembleOptions choose what a listing shows besides the instructions. */
export interface DisassembleOptions {
  /** Show each instruction's encoded bytes, as `llvm-objdump -d` does (default false). */
  readonly rawBytes?: boolean;
  /** Show `spec.comments` as `; comment` (default true). */
  readonly comments?: boolean;
  /** Show helper names after helper calls, as `; bpf_map_lookup_elem` (default true). */
  readonly helperNames?: boolean;
  /** Print jump and call targets as labels `L<slot>` instead of relative offsets (default false). */
  readonly labels?: boolean;
}

/**
 * disassemble prints a program one instruction per line, `<slot>:<tab><instruction>`; a spec's
 * listing starts with its `.program` line and a `.map` line per map. The result assembles back to
 * the same spec (comments aside).
 */
export function disassemble(program: ProgramSpec | readonly Instruction[], options: DisassembleOptions = {}): string {
  const spec = isSpec(program) ? program : undefined;
  const insns = spec ? spec.insns : (program as readonly Instruction[]);
  const lines = spec ? [formatProgramDirective(spec), ...spec.maps.map(formatMapDirective)] : [];
  const targets = options.labels ? labelTargets(insns) : undefined;
  let slot = 0;
  for (const insn of insns) {
    if (targets?.has(slot)) lines.push(`L${slot}:`);
    let text = formatWith(insn, spec, targets && ((offset) => targets.has(slot + 1 + offset) ? `L${slot + 1 + offset}` : undefined));
    if (options.helperNames !== false && insn.opcode === CALL && insn.src === CallSrc.HELPER) {
      const name = helperName(insn.imm);
      if (name) text += ` ; ${name}`;
    }
    const comment = options.comments !== false ? spec?.comments?.get(slot) : undefined;
    if (comment !== undefined) text += ` ; ${comment.replace(/\s*\n\s*/g, ' ')}`;
    const bytes = options.rawBytes ? `${hexBytes(encode([insn]))}\t` : '';
    lines.push(`${String(slot).padStart(8)}:\t${bytes}${text}`);
    slot += width(insn);
  }
  return lines.join('\n') + '\n';
}

/**
 * formatInstruction prints one instruction in kernel syntax (`r0 += 0x1`, `if r1 > 0x5 goto +0x2`).
 * With `slot`, jump and call targets also name their absolute slot as `<L12>` (llvm-objdump's
 * symbol note, which the assembler skips). With `spec`, map references print the map's name.
 */
export function formatInstruction(insn: Instruction, slot?: number, spec?: ProgramSpec): string {
  const note = slot === undefined ? undefined : (offset: number) => `${signedHex(offset)} <L${slot + 1 + offset}>`;
  return formatWith(insn, spec, undefined, note);
}

type LabelFor = (offset: number) => string | undefined;

function isSpec(program: ProgramSpec | readonly Instruction[]): program is ProgramSpec {
  return !Array.isArray(program);
}

/** labelTargets returns the slots that jumps, local calls and func references land on. */
function labelTargets(insns: readonly Instruction[]): Set<number> {
  const starts = new Set<number>();
  const wanted: number[] = [];
  let slot = 0;
  for (const insn of insns) {
    starts.add(slot);
    const offset = relativeTarget(insn);
    if (offset !== undefined) wanted.push(slot + 1 + offset);
    slot += width(insn);
  }
  starts.add(slot);
  return new Set(wanted.filter((target) => starts.has(target)));
}

/** hex prints a number the way llvm-objdump does: `0x1f`, `-0x1`. */
function hex(n: number | bigint): string {
  return n < 0 ? `-0x${(-BigInt(n)).toString(16)}` : `0x${n.toString(16)}`;
}

/** signedHex prints a relative offset with its sign: `+0x2`, `-0x3`. */
function signedHex(n: number): string {
  return n < 0 ? hex(n) : `+${hex(n)}`;
}

function hexBytes(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

function address(reg: number, offset: number): string {
  return `r${reg} ${offset < 0 ? '-' : '+'} ${hex(Math.abs(offset))}`;
}

const accessType = (insn: Instruction, signed = false) => `${signed ? 's' : 'u'}${sizeBytes(insn.opcode) * 8}`;

/**
 * formatWith prints one instruction; `labelFor` turns a relative target into a label (else the
 * offset is printed), `note` prints a relative target with an annotation.
 */
function formatWith(insn: Instruction, spec: ProgramSpec | undefined, labelFor?: LabelFor, note?: (offset: number) => string): string {
  const problem = checkFields(insn);
  if (problem) return `<invalid: ${problem}>`;
  const target = (offset: number) => labelFor?.(offset) ?? note?.(offset) ?? signedHex(offset);
  const { opcode, dst, src, offset, imm } = insn;
  const cls = opcode & CLASS_MASK;
  switch (cls) {
    case Class.ALU:
    case Class.ALU64:
      return formatAlu(insn, cls === Class.ALU64 ? 'r' : 'w');
    case Class.JMP:
    case Class.JMP32: {
      const op = opcode & OP_MASK;
      if (opcode === EXIT) return 'exit';
      if (opcode === CALLX) return `callx r${dst}`;
      if (opcode === CALL) {
        if (src === CallSrc.LOCAL) return labelFor?.(imm) ? `call ${labelFor(imm)}` : `call pc${target(imm)}`;
        return src === CallSrc.KFUNC ? `call kfunc ${hex(imm)}` : `call ${hex(imm)}`;
      }
      if (op === JmpOp.JA) return cls === Class.JMP ? `goto ${target(offset)}` : `gotol ${target(imm)}`;
      const r = cls === Class.JMP ? 'r' : 'w';
      const right = (opcode & SOURCE_MASK) === Source.X ? `${r}${src}` : hex(imm);
      return `if ${r}${dst} ${jumpOperator(op)} ${right} goto ${target(offset)}`;
    }
    case Class.LD:
      return `r${dst} = ${formatLddwSource(insn, spec, target)} ll`;
    case Class.LDX: {
      const signed = (opcode & MODE_MASK) === Mode.MEMSX;
      return `r${dst} = *(${accessType(insn, signed)} *)(${address(src, offset)})`;
    }
    case Class.ST:
      return `*(${accessType(insn)} *)(${address(dst, offset)}) = ${hex(imm)}`;
    default:
      if ((opcode & MODE_MASK) === Mode.ATOMIC) return formatAtomic(insn);
      return `*(${accessType(insn)} *)(${address(dst, offset)}) = r${src}`;
  }
}

function formatAlu(insn: Instruction, r: 'r' | 'w'): string {
  const { opcode, dst, src, offset, imm } = insn;
  const op = opcode & OP_MASK;
  const byReg = (opcode & SOURCE_MASK) === Source.X;
  if (op === AluOp.NEG) return `${r}${dst} = -${r}${dst}`;
  if (op === AluOp.END) {
    const kind = (opcode & CLASS_MASK) === Class.ALU64 ? 'bswap' : byReg ? 'be' : 'le';
    return `r${dst} = ${kind}${imm} r${dst}`;
  }
  const right = byReg ? `${r}${src}` : hex(imm);
  if (op === AluOp.MOV) return byReg && offset !== 0 ? `${r}${dst} = (s${offset})${r}${src}` : `${r}${dst} = ${right}`;
  return `${r}${dst} ${aluOperator(op, offset)} ${right}`;
}

function formatLddwSource(insn: Instruction, spec: ProgramSpec | undefined, target: (offset: number) => string): string {
  const name = spec?.maps[insn.imm]?.name;
  switch (insn.src) {
    case PseudoSrc.NONE:
      return hex(BigInt.asIntN(64, lddwValue(insn)));
    case PseudoSrc.MAP_FD:
      if (name !== undefined && !insn.imm2) return `map[${name}]`;
      break;
    case PseudoSrc.MAP_VALUE:
      if (name !== undefined) return `map[${name}][0]${signedHex(insn.imm2 ?? 0)}`;
      break;
    case PseudoSrc.FUNC:
      if (!insn.imm2) return `func[${target(insn.imm)}]`;
      break;
  }
  return `pseudo[${insn.src}][${hex(insn.imm)}][${hex(insn.imm2 ?? 0)}]`;
}

function formatAtomic(insn: Instruction): string {
  const { dst, src, offset, imm } = insn;
  const wide = sizeBytes(insn.opcode) === 8;
  const r = wide ? 'r' : 'w';
  const at = address(dst, offset);
  if (imm === AtomicOp.XCHG) return `${r}${src} = ${wide ? 'xchg_64' : 'xchg32_32'}(${at}, ${r}${src})`;
  if (imm === AtomicOp.CMPXCHG) return `${r}0 = ${wide ? 'cmpxchg_64' : 'cmpxchg32_32'}(${at}, ${r}0, ${r}${src})`;
  const op = imm & ~AtomicOp.FETCH;
  const name = op === AtomicOp.ADD ? 'add' : op === AtomicOp.OR ? 'or' : op === AtomicOp.AND ? 'and' : 'xor';
  if (imm & AtomicOp.FETCH) return `${r}${src} = atomic_fetch_${name}((${accessType(insn)} *)(${at}), ${r}${src})`;
  return `lock *(${accessType(insn)} *)(${at}) ${aluOperator(op, 0)} ${r}${src}`;
}
