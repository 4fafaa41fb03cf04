// Random eBPF programs that are structurally valid and safe by construction, for differential testing of engines.
import { mulberry32 } from '../util/random.js';
import { HelperId } from '../asm/helpers.js';
import { type Instruction, lddwFrom } from '../asm/instruction.js';
import {
  AluOp,
  AtomicOp,
  CALL,
  Class,
  EXIT,
  FRAME_POINTER,
  JmpOp,
  Mode,
  PseudoSrc,
  Size,
  Source,
  VALID_ATOMIC_IMMS,
  sizeBytes,
} from '../asm/opcodes.js';
import type { MapSpec, ProgramSpec } from '../asm/program.js';
import { link, type LinkItem } from './link.js';

/** FUZZ_MAPS are the maps every generated program has: an array map and a hash map. */
export const FUZZ_MAPS: readonly MapSpec[] = [
  { name: 'arr', type: 'array', keySize: 4, valueSize: 16, maxEntries: 4, flags: 0 },
  { name: 'hash', type: 'hash', keySize: 8, valueSize: 8, maxEntries: 4, flags: 0 },
];

const EDGE32 = [0, 1, -1, 2, 3, 7, 8, 15, 16, 31, 32, 33, 63, 64, 0xff, 0x80, 0xffff, 0x8000, 0x7fffffff, -0x80000000, -2];
const EDGE64 = [
  0n,
  1n,
  -1n,
  0x7fff_ffff_ffff_ffffn,
  -0x8000_0000_0000_0000n,
  0xffff_ffffn,
  0x1_0000_0000n,
  0x8000_0000n,
  0xffff_ffff_0000_0000n,
  0x0123_4567_89ab_cdefn,
];
const ALU_OPS = [
  AluOp.ADD,
  AluOp.SUB,
  AluOp.MUL,
  AluOp.DIV,
  AluOp.OR,
  AluOp.AND,
  AluOp.LSH,
  AluOp.RSH,
  AluOp.NEG,
  AluOp.MOD,
  AluOp.XOR,
  AluOp.MOV,
  AluOp.ARSH,
  AluOp.END,
];
const JUMP_OPS = [
  JmpOp.JEQ,
  JmpOp.JGT,
  JmpOp.JGE,
  JmpOp.JSET,
  JmpOp.JNE,
  JmpOp.JSGT,
  JmpOp.JSGE,
  JmpOp.JLT,
  JmpOp.JLE,
  JmpOp.JSLT,
  JmpOp.JSLE,
];
const SIZES = [Size.B, Size.H, Size.W, Size.DW];
const ATOMICS = [...VALID_ATOMIC_IMMS];

/** LOOP_COUNTER (r9) counts a generated loop down; nothing inside the loop writes it. */
const LOOP_COUNTER = 9;
/** CALLBACK_INDEX (r6) keeps a bpf_loop callback's index; its body writes r0..r5 only. */
const CALLBACK_INDEX = 6;

/** Item is an instruction or a label's place; jumps and calls name labels until `link` resolves them. */
type Item = LinkItem<number>;

/** Scope is what a piece of code may touch: registers it may read and write, and what it may contain. */
interface Scope {
  readonly readable: readonly number[];
  readonly writable: readonly number[];
  readonly inLoop: boolean;
  /** Remaining local call depth below this function. */
  readonly callDepth: number;
  readonly main: boolean;
}

/** Random is a small seeded PRNG (mulberry32): the same seed always gives the same program. */
export class Random {
  readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  below(n: number): number {
    return this.next() % n;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)]!;
  }

  chance(percent: number): boolean {
    return this.below(100) < percent;
  }

  int32(): number {
    return this.chance(50) ? this.pick(EDGE32) : this.next() | 0;
  }

  int64(): bigint {
    return this.chance(50) ? this.pick(EDGE64) : (BigInt(this.next()) << 32n) | BigInt(this.next());
  }
}

/** generateProgram returns the program for `seed`: a main function, maybe sub-programs, and FUZZ_MAPS. */
export function generateProgram(seed: number): ProgramSpec {
  return new Generator(seed).program();
}

class Generator {
  private readonly rng: Random;
  private labels = 0;
  private readonly subprograms: Item[][] = [];

  constructor(seed: number) {
    this.rng = new Random(seed ^ 0x5eed);
  }

  program(): ProgramSpec {
    const main: Item[] = [];
    for (let r = 0; r < FRAME_POINTER; r++) this.init(main, r);
    const scope: Scope = { readable: range(0, 10), writable: range(0, 8), inLoop: false, callDepth: 2, main: true };
    this.body(main, scope, 4 + this.rng.below(24), 2);
    main.push({ insn: EXIT_INSN });
    const items = [main, ...this.subprograms].flat();
    return { name: `fuzz${this.rng.next()}`, section: 'xdp', insns: link(items), maps: FUZZ_MAPS, license: 'GPL' };
  }

  private init(out: Item[], r: number): void {
    if (this.rng.chance(25)) out.push({ insn: lddwFrom(r, this.rng.int64()) });
    else out.push({ insn: { opcode: Class.ALU64 | AluOp.MOV | Source.K, dst: r, src: 0, offset: 0, imm: this.rng.int32() } });
  }

  private body(out: Item[], scope: Scope, items: number, nesting: number): void {
    for (let k = 0; k < items; k++) {
      const roll = this.rng.below(100);
      if (roll < 42) this.alu(out, scope);
      else if (roll < 45) this.extension(out, scope);
      else if (roll < 50) out.push({ insn: lddwFrom(this.rng.pick(scope.writable), this.rng.int64()) });
      else if (roll < 58) this.store(out, scope);
      else if (roll < 66) this.load(out, scope);
      else if (roll < 70) this.atomic(out, scope);
      else if (roll < 80 && nesting > 0) this.forwardJump(out, scope, nesting);
      else if (roll < 84 && nesting > 0 && !scope.inLoop && scope.main) this.loop(out, scope, nesting);
      else if (roll < 90 && scope.main) this.mapOps(out, scope);
      else if (roll < 94 && scope.callDepth > 0) this.localCall(out, scope);
      else if (roll < 97 && scope.callDepth > 0 && scope.main) this.bpfLoop(out, scope);
      else this.alu(out, scope);
    }
  }

  private alu(out: Item[], scope: Scope): void {
    const rng = this.rng;
    const wide = rng.chance(50);
    const op = rng.pick(ALU_OPS);
    const cls = wide ? Class.ALU64 : Class.ALU;
    const dst = rng.pick(scope.writable);
    if (op === AluOp.NEG) return void out.push({ insn: { opcode: cls | op, dst, src: 0, offset: 0, imm: 0 } });
    if (op === AluOp.END) {
      const source = wide ? Source.K : rng.pick([Source.K, Source.X]);
      return void out.push({ insn: { opcode: cls | op | source, dst, src: 0, offset: 0, imm: rng.pick([16, 32, 64]) } });
    }
    let offset = 0;
    if ((op === AluOp.DIV || op === AluOp.MOD) && rng.chance(50)) offset = 1;
    const byReg = rng.chance(50);
    if (op === AluOp.MOV && byReg && rng.chance(30)) offset = rng.pick(wide ? [8, 16, 32] : [8, 16]);
    if (byReg) {
      const src = rng.chance(5) ? FRAME_POINTER : rng.pick(scope.readable);
      out.push({ insn: { opcode: cls | op | Source.X, dst, src, offset, imm: 0 } });
    } else {
      out.push({ insn: { opcode: cls | op | Source.K, dst, src: 0, offset, imm: rng.int32() } });
    }
  }

  /** extension emits `rX <<= 32; rX >>= 32` (or s>>=), the int-cast idiom the JIT fuses. */
  private extension(out: Item[], scope: Scope): void {
    const dst = this.rng.pick(scope.writable);
    const right = this.rng.chance(50) ? AluOp.RSH : AluOp.ARSH;
    out.push({ insn: { opcode: Class.ALU64 | AluOp.LSH | Source.K, dst, src: 0, offset: 0, imm: 32 } });
    out.push({ insn: { opcode: Class.ALU64 | right | Source.K, dst, src: 0, offset: 0, imm: this.rng.chance(90) ? 32 : 31 } });
  }

  /** stackOffset returns an offset from r10 inside the frame, aligned to `bytes`. */
  private stackOffset(bytes: number): number {
    return -bytes * (1 + this.rng.below(512 / bytes));
  }

  private store(out: Item[], scope: Scope): void {
    const size = this.rng.pick(SIZES);
    const offset = this.stackOffset(sizeBytes(size));
    if (this.rng.chance(40)) {
      out.push({ insn: { opcode: Class.ST | Mode.MEM | size, dst: FRAME_POINTER, src: 0, offset, imm: this.rng.int32() } });
    } else {
      out.push({ insn: { opcode: Class.STX | Mode.MEM | size, dst: FRAME_POINTER, src: this.rng.pick(scope.readable), offset, imm: 0 } });
    }
  }

  private load(out: Item[], scope: Scope): void {
    const signed = this.rng.chance(30);
    const size = signed ? this.rng.pick([Size.B, Size.H, Size.W]) : this.rng.pick(SIZES);
    const mode = signed ? Mode.MEMSX : Mode.MEM;
    const insn = { opcode: Class.LDX | mode | size, dst: this.rng.pick(scope.writable), src: FRAME_POINTER, offset: this.stackOffset(sizeBytes(size)), imm: 0 };
    out.push({ insn });
  }

  private atomic(out: Item[], scope: Scope): void {
    const size = this.rng.pick([Size.W, Size.DW]);
    const imm = this.rng.pick(ATOMICS);
    const fetches = (imm & AtomicOp.FETCH) !== 0 && imm !== AtomicOp.CMPXCHG;
    const src = this.rng.pick(fetches ? scope.writable : scope.readable);
    out.push({ insn: { opcode: Class.STX | Mode.ATOMIC | size, dst: FRAME_POINTER, src, offset: this.stackOffset(sizeBytes(size)), imm } });
  }

  private condition(scope: Scope, label: number): Item {
    const rng = this.rng;
    const cls = rng.chance(50) ? Class.JMP : Class.JMP32;
    const op = rng.pick(JUMP_OPS);
    const dst = rng.pick(scope.readable);
    if (rng.chance(50)) return { insn: { opcode: cls | op | Source.X, dst, src: rng.pick(scope.readable), offset: 0, imm: 0 }, to: label };
    return { insn: { opcode: cls | op | Source.K, dst, src: 0, offset: 0, imm: rng.int32() }, to: label };
  }

  private forwardJump(out: Item[], scope: Scope, nesting: number): void {
    const label = this.labels++;
    if (this.rng.chance(10)) out.push({ insn: { opcode: Class.JMP | JmpOp.JA, dst: 0, src: 0, offset: 0, imm: 0 }, to: label });
    else out.push(this.condition(scope, label));
    this.body(out, scope, 1 + this.rng.below(5), nesting - 1);
    out.push({ at: label });
  }

  /** loop runs its body 1..4 times, counting down r9, which nothing inside writes. */
  private loop(out: Item[], scope: Scope, nesting: number): void {
    const label = this.labels++;
    out.push({ insn: { opcode: Class.ALU64 | AluOp.MOV | Source.K, dst: LOOP_COUNTER, src: 0, offset: 0, imm: 1 + this.rng.below(4) } });
    out.push({ at: label });
    this.body(out, { ...scope, inLoop: true }, 1 + this.rng.below(6), nesting - 1);
    out.push({ insn: { opcode: Class.ALU64 | AluOp.ADD | Source.K, dst: LOOP_COUNTER, src: 0, offset: 0, imm: -1 } });
    out.push({ insn: { opcode: Class.JMP | JmpOp.JNE | Source.K, dst: LOOP_COUNTER, src: 0, offset: 0, imm: 0 }, to: label });
  }

  /** mapOps updates a hash entry or looks up an entry, null-checks it and changes its value in place. */
  private mapOps(out: Item[], scope: Scope): void {
    const rng = this.rng;
    const hash = rng.chance(50);
    const keyOffset = -8 * (1 + rng.below(8));
    const keyValue = rng.below(6);
    out.push({ insn: { opcode: Class.ST | Mode.MEM | Size.DW, dst: FRAME_POINTER, src: 0, offset: keyOffset, imm: keyValue } });
    out.push({ insn: lddwFrom(1, hash ? 1n : 0n, PseudoSrc.MAP_FD) });
    out.push({ insn: mov64(2, FRAME_POINTER) });
    out.push({ insn: { opcode: Class.ALU64 | AluOp.ADD | Source.K, dst: 2, src: 0, offset: 0, imm: keyOffset } });
    if (hash && rng.chance(50)) {
      out.push({ insn: mov64(3, FRAME_POINTER) });
      out.push({ insn: { opcode: Class.ALU64 | AluOp.ADD | Source.K, dst: 3, src: 0, offset: 0, imm: this.stackOffset(8) } });
      out.push({ insn: { opcode: Class.ALU64 | AluOp.MOV | Source.K, dst: 4, src: 0, offset: 0, imm: rng.below(3) } });
      out.push({ insn: { opcode: CALL, dst: 0, src: 0, offset: 0, imm: HelperId.map_update_elem } });
      this.reinitArguments(out);
      return;
    }
    out.push({ insn: { opcode: CALL, dst: 0, src: 0, offset: 0, imm: HelperId.map_lookup_elem } });
    const skip = this.labels++;
    out.push({ insn: { opcode: Class.JMP | JmpOp.JEQ | Source.K, dst: 0, src: 0, offset: 0, imm: 0 }, to: skip });
    const size = rng.pick(SIZES);
    const valueOffset = hash ? 0 : sizeBytes(size) * rng.below(16 / sizeBytes(size));
    const temp = rng.pick(scope.writable.filter((r) => r !== 0));
    out.push({ insn: { opcode: Class.LDX | Mode.MEM | size, dst: temp, src: 0, offset: valueOffset, imm: 0 } });
    const survivors = scope.readable.filter((r) => r === 0 || r > 5); // a call leaves r1..r5 unreadable
    out.push({ insn: { opcode: Class.ALU64 | AluOp.ADD | Source.X, dst: temp, src: rng.pick(survivors), offset: 0, imm: 0 } });
    out.push({ insn: { opcode: Class.STX | Mode.MEM | size, dst: 0, src: temp, offset: valueOffset, imm: 0 } });
    if (rng.chance(30)) {
      out.push({ insn: { opcode: Class.STX | Mode.ATOMIC | Size.DW, dst: 0, src: temp, offset: 0, imm: AtomicOp.ADD } });
    }
    out.push({ at: skip });
    this.reinitArguments(out);
  }

  /** reinitArguments writes r1..r5 after a call, which leaves them unreadable. */
  private reinitArguments(out: Item[]): void {
    for (let r = 1; r <= 5; r++) this.init(out, r);
  }

  private localCall(out: Item[], scope: Scope): void {
    const label = this.labels++;
    out.push({ insn: { opcode: CALL, dst: 0, src: 1, offset: 0, imm: 0 }, to: label });
    const sub: Item[] = [{ at: label }];
    this.subprograms.push(sub);
    this.init(sub, 0);
    const inner: Scope = { readable: range(0, 5), writable: range(0, 5), inLoop: false, callDepth: scope.callDepth - 1, main: false };
    this.body(sub, inner, 1 + this.rng.below(10), 1);
    sub.push({ insn: EXIT_INSN });
    this.reinitArguments(out);
  }

  /**
   * bpfLoop calls bpf_loop(nr, callback, r10 - k, flags) with a new callback that stops when its
   * index reaches a random value. nr is small (0..5), sometimes over MAX_LOOPS (-E2BIG), and the
   * flags are sometimes non-zero (-EINVAL), so every outcome of the helper is exercised.
   */
  private bpfLoop(out: Item[], scope: Scope): void {
    const rng = this.rng;
    const label = this.labels++;
    const nr = rng.chance(5) ? (1 << 23) + 1 : rng.below(6);
    out.push({ insn: { opcode: Class.ALU64 | AluOp.MOV | Source.K, dst: 1, src: 0, offset: 0, imm: nr } });
    out.push({ insn: lddwFrom(2, 0n, PseudoSrc.FUNC), to: label });
    out.push({ insn: mov64(3, FRAME_POINTER) });
    out.push({ insn: { opcode: Class.ALU64 | AluOp.ADD | Source.K, dst: 3, src: 0, offset: 0, imm: this.stackOffset(8) } });
    out.push({ insn: { opcode: Class.ALU64 | AluOp.MOV | Source.K, dst: 4, src: 0, offset: 0, imm: rng.chance(5) ? 1 : 0 } });
    out.push({ insn: { opcode: CALL, dst: 0, src: 0, offset: 0, imm: HelperId.loop } });
    this.reinitArguments(out);
    // The callback keeps its index in r6, which its body (writing r0..r5 only) leaves alone.
    // It receives r1 and r2 only: r0 and r3..r5 are written before the body may read them.
    const callback: Item[] = [{ at: label }, { insn: mov64(CALLBACK_INDEX, 1) }];
    this.subprograms.push(callback);
    for (const r of [0, 3, 4, 5]) this.init(callback, r);
    const inner: Scope = { readable: range(0, 5), writable: range(0, 5), inLoop: false, callDepth: scope.callDepth - 1, main: false };
    this.body(callback, inner, 1 + rng.below(8), 1);
    const go = this.labels++;
    callback.push({ insn: { opcode: Class.ALU64 | AluOp.MOV | Source.K, dst: 0, src: 0, offset: 0, imm: 0 } });
    callback.push({ insn: { opcode: Class.JMP | JmpOp.JNE | Source.K, dst: CALLBACK_INDEX, src: 0, offset: 0, imm: rng.below(5) }, to: go });
    callback.push({ insn: { opcode: Class.ALU64 | AluOp.MOV | Source.K, dst: 0, src: 0, offset: 0, imm: 1 } });
    callback.push({ at: go });
    callback.push({ insn: EXIT_INSN });
  }
}

const EXIT_INSN: Instruction = { opcode: EXIT, dst: 0, src: 0, offset: 0, imm: 0 };

function mov64(dst: number, src: number): Instruction {
  return { opcode: Class.ALU64 | AluOp.MOV | Source.X, dst, src, offset: 0, imm: 0 };
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let r = from; r <= to; r++) out.push(r);
  return out;
}
