// The instruction vocabulary the query code generator speaks, on top of the asm ProgramBuilder: unique labels, typed registers.
import type { MapSpec, ProgramSpec } from '../asm/program.js';
import { BuilderError, ProgramBuilder, type MapRef, type Reg } from '../asm/builder.js';
import type { SourcePosition } from '../sql/errors.js';
import { INT64_MAX, INT64_MIN } from '../values/types.js';
import { firstUnreachableSlot } from './reachable.js';

/** Alu names the 64-bit arithmetic operations the generator uses. */
export type Alu = 'ADD' | 'SUB' | 'MUL' | 'DIV' | 'MOD' | 'OR' | 'AND' | 'LSH' | 'RSH' | 'ARSH' | 'XOR' | 'MOV';
/** Cond names the 64-bit conditional jumps the generator uses. */
export type Cond = 'JEQ' | 'JNE' | 'JGT' | 'JGE' | 'JLT' | 'JLE' | 'JSGT' | 'JSGE' | 'JSLT' | 'JSLE' | 'JSET';
/** Width names a memory access size. */
export type Width = 'B' | 'H' | 'W' | 'DW';

/** Register is a builder register (R0..R10); name it by its role (see REG in context.ts). */
export type Register = Reg;

/** Label is a jump target with a name unique in its program; `Emitter.bind()` places it. */
export interface Label {
  readonly name: string;
}

/** Construct is the SQL construct being compiled: its position and a short description, for errors. */
export interface Construct {
  readonly at: SourcePosition;
  readonly what: string;
}

/** BranchTooFar is a jump the program cannot encode, with the SQL construct whose code made it too long. */
export class BranchTooFar extends Error {
  constructor(
    readonly construct: Construct | undefined,
    readonly builderMessage: string,
  ) {
    super(builderMessage);
  }
}

type AluMethod = `${Lowercase<Alu>}64`;
type JumpMethod = `${Lowercase<Cond>}64`;

/**
 * Emitter wraps one ProgramBuilder: labels are objects with unique names (so emitting functions can
 * make as many as they like), registers are the builder's typed registers, maps are declared up front by index.
 */
export class Emitter {
  private readonly b: ProgramBuilder;
  private readonly maps: MapRef[];
  private labels = 0;
  private readonly jumpedTo = new Set<string>();
  /** The slots each SQL construct's code occupies. */
  private readonly spans: { construct: Construct; start: number; end: number }[] = [];

  constructor(name: string, maps: readonly MapSpec[]) {
    this.b = new ProgramBuilder(name, { section: 'xdp', license: 'GPL' });
    this.maps = maps.map((spec) => this.b.map(spec));
  }

  /** label creates an unplaced jump target; its name shows up in builder errors. */
  label(name: string): Label {
    return { name: `${name}#${this.labels++}` };
  }

  /** within emits `body` on behalf of a SQL construct (its code's slots are noted for errors) and returns what it returns. */
  within<T>(construct: Construct | undefined, body: () => T): T {
    const start = this.b.slot;
    const result = body();
    if (construct !== undefined) this.spans.push({ construct, start, end: this.b.slot });
    return result;
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
    this.b[`${op.toLowerCase()}64` as AluMethod](dst, imm);
  }

  /** aluReg emits `dst op= src` (64-bit). */
  aluReg(op: Alu, dst: Register, src: Register): void {
    this.b[`${op.toLowerCase()}64` as AluMethod](dst, src);
  }

  /** movImm emits `dst = imm` (sign-extended 32-bit immediate). */
  movImm(dst: Register, imm: number): void {
    this.b.mov64(dst, imm);
  }

  /** movReg emits `dst = src`. */
  movReg(dst: Register, src: Register): void {
    this.b.mov64(dst, src);
  }

  /** neg emits `dst = -dst`. */
  neg(dst: Register): void {
    this.b.neg64(dst);
  }

  /** toBigEndian reverses the bytes of dst (`be64` on this little-endian machine), so that an unsigned comparison orders 8 bytes as strings. */
  toBigEndian(dst: Register): void {
    this.b.be(dst, 64);
  }

  /** constant loads any 64-bit value, with a one-slot mov when it fits a signed 32-bit immediate. */
  constant(dst: Register, value: bigint): void {
    // The binder keeps constants a register cannot hold out of the program; wrapping one would be a wrong answer.
    if (value < INT64_MIN || value > INT64_MAX) throw new RangeError(`codegen: constant ${value} does not fit in a signed 64-bit register`);
    if (value >= -(1n << 31n) && value < 1n << 31n) this.movImm(dst, Number(value));
    else this.b.lddw(dst, value);
  }

  /** mapRef loads a reference to map number `mapIndex` (`lddw dst, map`). */
  mapRef(dst: Register, mapIndex: number): void {
    const map = this.maps[mapIndex];
    if (map === undefined) throw new RangeError(`codegen: no map #${mapIndex}`);
    this.b.lddwMap(dst, map);
  }

  /** funcRef loads a pointer to the sub-function at `label` (for bpf_loop callbacks). */
  funcRef(dst: Register, label: Label): void {
    this.b.lddwFunc(dst, label.name);
  }

  /** load emits `dst = *(size *)(src + offset)`. */
  load(size: Width, dst: Register, src: Register, offset: number): void {
    this.b.ldx(lower(size), dst, src, offset);
  }

  /** store emits `*(size *)(dst + offset) = src`. */
  store(size: Width, dst: Register, offset: number, src: Register): void {
    this.b.stx(lower(size), dst, offset, src);
  }

  /** storeImm emits `*(size *)(dst + offset) = imm`. */
  storeImm(size: Width, dst: Register, offset: number, imm: number): void {
    this.b.st(lower(size), dst, offset, imm);
  }

  /** jumpImm emits `if dst cond imm goto label`. */
  jumpImm(cond: Cond, dst: Register, imm: number, label: Label): void {
    this.jumpedTo.add(label.name);
    this.b[`${cond.toLowerCase()}64` as JumpMethod](dst, imm, label.name);
  }

  /** jumpReg emits `if dst cond src goto label`. */
  jumpReg(cond: Cond, dst: Register, src: Register, label: Label): void {
    this.jumpedTo.add(label.name);
    this.b[`${cond.toLowerCase()}64` as JumpMethod](dst, src, label.name);
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

  private blame(from: number, to: number): Construct | undefined {
    const crossed = this.spans.filter((span) => span.start < to && span.end > from);
    const size = (span: { start: number; end: number }): number => span.end - span.start;
    const tooLong = crossed.filter((span) => size(span) > JUMP_REACH).sort((a, b) => size(a) - size(b));
    return (tooLong[0] ?? crossed.sort((a, b) => size(b) - size(a))[0])?.construct;
  }

  /**
   * build resolves every label and returns the program. A conditional jump beyond a 16-bit offset
   * becomes BranchTooFar naming the construct to blame: the smallest one whose code alone is longer
   * than a jump reaches, else the largest one the jump crosses. Any other BuilderError, and an
   * instruction no path reaches, are code generator bugs (the verifiers would refuse the program).
   */
  build(): ProgramSpec {
    let spec: ProgramSpec;
    try {
      spec = this.b.build();
    } catch (error) {
      const far = error instanceof BuilderError ? /at insn #(\d+): conditional jump to '[^']+' is (-?\d+) slots away/.exec(error.message) : null;
      if (far === null) throw error;
      const from = Number(far[1]);
      const to = from + 1 + Number(far[2]);
      throw new BranchTooFar(this.blame(Math.min(from, to), Math.max(from, to)), (error as Error).message);
    }
    const unreachable = firstUnreachableSlot(spec.insns);
    if (unreachable !== undefined) throw new Error(`codegen: insn #${unreachable} of '${spec.name}' is unreachable`);
    return spec;
  }
}

/** JUMP_REACH is how many slots a conditional jump's signed 16-bit offset reaches forward. */
const JUMP_REACH = 0x7fff;

function lower(size: Width): 'b' | 'h' | 'w' | 'dw' {
  return size.toLowerCase() as 'b' | 'h' | 'w' | 'dw';
}

