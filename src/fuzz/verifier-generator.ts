// Mostly valid eBPF programs with one targeted mutation, biased toward what breaks verifiers, for the Linux differential: the skeleton and its fragments.
import { HelperId } from '../asm/helpers.js';
import { type Instruction, lddwFrom } from '../asm/instruction.js';
import { AluOp, AtomicOp, CALL, CallSrc, Class, FRAME_POINTER, JmpOp, Mode, PseudoSrc, Size, Source, sizeBytes } from '../asm/opcodes.js';
import type { MapSpec, ProgramSpec } from '../asm/program.js';
import { Random } from './generator.js';
import { alu, alux, call, Code, EDGE_IMMS, EDGE_LONGS, exit, ldx, mov, movx, NOP, R0, R6, R7, SIZES, st, stx } from './verifier-code.js';
import { mutate } from './verifier-mutate.js';

/** GeneratedProgram is one program of the campaign with what was done to it. */
export interface GeneratedProgram {
  readonly spec: ProgramSpec;
  /** The skeleton fragments, then the mutations applied (e.g. "packet+lookup / mem-offset@12"). */
  readonly recipe: string;
}

/** CATALOG holds the maps a program may use; each program gets only those it references, in order of use. */
const CATALOG: Record<'arr' | 'hash' | 'glob' | 'ro', MapSpec> = {
  arr: { name: 'arr', type: 'array', keySize: 4, valueSize: 16, maxEntries: 4, flags: 0 },
  hash: { name: 'hash', type: 'hash', keySize: 8, valueSize: 8, maxEntries: 4, flags: 0 },
  glob: { name: 'glob', type: 'array', keySize: 4, valueSize: 48, maxEntries: 1, flags: 0 },
  ro: { name: 'ro', type: 'array', keySize: 4, valueSize: 8, maxEntries: 1, flags: 0, readOnly: true, initialValue: Uint8Array.of(3, 1, 4, 1, 5, 9, 2, 6) },
};
type MapName = keyof typeof CATALOG;

/** generateVerifierProgram returns the program for `seed`: a skeleton of 1-3 fragments, mutated in 80% of programs. */
export function generateVerifierProgram(seed: number): GeneratedProgram {
  return new Skeleton(seed).build();
}

/** Fragment names and weights: each writes a well-formed piece that ends at its own `out` label. */
const FRAGMENTS: [string, number][] = [
  ['packet', 14],
  ['packetVar', 8],
  ['lookup', 14],
  ['update', 3],
  ['direct', 6],
  ['spill', 12],
  ['stackVar', 6],
  ['scalar', 14],
  ['loop', 6],
  ['local', 6],
  ['atomic', 4],
  ['nullCheck', 4],
  ['pointerOps', 4],
  ['helperArgs', 6],
  ['boundedLoop', 5],
  ['ctxRead', 3],
  ['callx', 1],
  ['hookField', 1],
];
const TOTAL_WEIGHT = FRAGMENTS.reduce((sum, [, w]) => sum + w, 0);

class Skeleton {
  private readonly rng: Random;
  private readonly main = new Code();
  /** Sub-program bodies, written after the main function. */
  private readonly subs: ((code: Code) => void)[] = [];
  private readonly mapIndex = new Map<MapName, number>();
  private readonly used: string[] = [];

  constructor(seed: number) {
    this.rng = new Random(seed);
  }

  build(): GeneratedProgram {
    const { rng, main } = this;
    main.add(movx(R6, 1), mov(R7, 0));
    const count = 1 + rng.below(3);
    for (let k = 0; k < count; k++) {
      let roll = rng.below(TOTAL_WEIGHT);
      const name = FRAGMENTS.find(([, w]) => (roll -= w) < 0)![0];
      this.used.push(name);
      (this as unknown as Record<string, () => void>)[name]!.call(this);
    }
    main.add(mov(R0, rng.chance(95) ? 2 : 1), exit);
    for (const sub of this.subs) sub(main);
    let insns = main.resolve();
    const mutations: string[] = [];
    if (rng.chance(80)) {
      const times = rng.chance(80) ? 1 : 2;
      for (let k = 0; k < times; k++) {
        const mutated = mutate(insns, rng, this.mapIndex.size);
        if (mutated) {
          insns = mutated.insns;
          mutations.push(mutated.what);
        }
      }
    }
    const maps = [...this.mapIndex.keys()].map((name) => CATALOG[name]);
    const spec: ProgramSpec = { name: 'campaign', section: 'xdp', license: 'GPL', maps, insns };
    return { spec, recipe: `${this.used.join('+')}${mutations.length ? ` / ${mutations.join(', ')}` : ''}` };
  }

  private map(name: MapName): number {
    let index = this.mapIndex.get(name);
    if (index === undefined) {
      index = this.mapIndex.size;
      this.mapIndex.set(name, index);
    }
    return index;
  }

  private mapFd(dst: number, name: MapName): Instruction {
    return { ...lddwFrom(dst, 0n, PseudoSrc.MAP_FD), imm: this.map(name), imm2: 0 };
  }

  private mapValue(dst: number, name: MapName, offset: number): Instruction {
    return { ...lddwFrom(dst, 0n, PseudoSrc.MAP_VALUE), imm: this.map(name), imm2: offset };
  }

  private size(): number {
    return this.rng.pick(SIZES);
  }

  /** use reads (or, for writable regions, writes or atomically updates) `size` bytes at [base + off]. */
  private use(code: Code, base: number, off: number, size: number, writable: boolean): void {
    const { rng } = this;
    const roll = rng.below(writable ? 10 : 6);
    if (roll < 5) code.add(ldx(size, R7, base, off, size !== Size.DW && rng.chance(15)));
    else if (roll < 6) code.add(ldx(size, R7, base, off), alux(AluOp.ADD, R7, R7));
    else if (roll < 8) code.add(stx(size, base, off, R7));
    else if (roll < 9) code.add(st(size, base, off, rng.pick(EDGE_IMMS)));
    else if (size === Size.W || size === Size.DW) {
      const op = rng.pick([AtomicOp.ADD, AtomicOp.OR, AtomicOp.AND | AtomicOp.FETCH, AtomicOp.XCHG]);
      code.add(mov(2, 1), { opcode: Class.STX | Mode.ATOMIC | (rng.chance(50) ? Size.W : Size.DW), dst: base, src: 2, offset: off & ~3, imm: op });
    } else code.add(ldx(size, R7, base, off));
  }

  /** Bounds check data + n <= data_end in one of the forms clang emits, then access inside it. */
  packet(): void {
    const { rng, main: c } = this;
    const out = c.fresh('out');
    c.add(ldx(Size.W, 2, R6, rng.chance(90) ? 0 : 8), ldx(Size.W, 3, R6, 4));
    if (rng.chance(20)) c.add(alu(AluOp.ADD, 2, rng.below(16)));
    const n = 1 + rng.below(24);
    c.add(movx(4, 2), alu(AluOp.ADD, 4, n));
    const form = rng.below(4);
    if (form === 0) c.jmpx(JmpOp.JGT, 4, 3, out);
    else if (form === 1) c.jmpx(JmpOp.JLT, 3, 4, out);
    else {
      // The inverted form: if (end >= data + n) goto ok; goto out; ok:
      const ok = c.fresh('ok');
      if (form === 2) c.jmpx(JmpOp.JLE, 4, 3, ok);
      else c.jmpx(JmpOp.JGE, 3, 4, ok);
      c.to(NOP, out);
      c.label(ok);
    }
    const size = rng.pick(SIZES.filter((s) => sizeBytes(s) <= n));
    const off = rng.below(n - sizeBytes(size) + 1);
    this.use(c, 2, off, size, false);
    c.label(out);
  }

  /** A variable offset into the packet: a byte of data, masked, added to data, then checked. */
  packetVar(): void {
    const { rng, main: c } = this;
    const out = c.fresh('out');
    c.add(ldx(Size.W, 2, R6, 0), ldx(Size.W, 3, R6, 4), movx(4, 2), alu(AluOp.ADD, 4, 1));
    c.jmpx(JmpOp.JGT, 4, 3, out);
    c.add(ldx(Size.B, 5, 2, 0));
    const form = rng.below(3);
    if (form === 0) c.add(alu(AluOp.AND, 5, rng.pick([7, 15, 63, 0xff])));
    else if (form === 1) c.jmp(JmpOp.JGT, 5, rng.pick([7, 15, 40]), out, rng.chance(30) ? Class.JMP32 : Class.JMP);
    else c.add(alu(AluOp.RSH, 5, rng.pick([2, 4, 6])));
    if (rng.chance(30)) {
      // pkt_end - pkt is a scalar: Linux learns nothing about the packet's range from it.
      c.add(movx(4, 3), alux(AluOp.SUB, 4, 2));
      c.jmp(JmpOp.JLT, 4, 8, out);
    }
    c.add(alux(AluOp.ADD, 2, 5), movx(4, 2), alu(AluOp.ADD, 4, 8));
    c.jmpx(JmpOp.JGT, 4, 3, out);
    const size = this.size();
    this.use(c, 2, rng.below(9 - sizeBytes(size)), size, false);
    c.label(out);
  }

  /** Key on the stack, map_lookup_elem, null check, then an access to the value (maybe at a variable offset). */
  lookup(): void {
    const { rng, main: c } = this;
    const out = c.fresh('out');
    const name: MapName = rng.pick(['arr', 'arr', 'hash', 'ro', 'glob']);
    const map = CATALOG[name];
    const keyAt = -8 * (1 + rng.below(4));
    c.add(map.keySize === 8 ? st(Size.DW, FRAME_POINTER, keyAt, rng.below(4)) : st(Size.W, FRAME_POINTER, keyAt, rng.below(5)));
    c.add(movx(2, FRAME_POINTER), alu(AluOp.ADD, 2, keyAt), this.mapFd(1, name), call(HelperId.map_lookup_elem));
    let value = R0;
    const form = rng.below(4);
    if (form === 0) {
      c.add(movx(8, R0));
      value = 8;
      c.jmp(JmpOp.JEQ, 8, 0, out);
    } else if (form === 1) {
      const ok = c.fresh('ok');
      c.jmp(JmpOp.JNE, R0, 0, ok);
      c.to(NOP, out);
      c.label(ok);
    } else c.jmp(JmpOp.JEQ, R0, 0, out);
    if (rng.chance(35)) {
      // A variable offset: a bounded scalar added to the value pointer.
      c.add(movx(1, R7));
      if (rng.chance(50)) c.add(alu(AluOp.AND, 1, map.valueSize - 1 >= 15 ? 7 : 3));
      else c.jmp(rng.pick([JmpOp.JGT, JmpOp.JSGT]), 1, map.valueSize - 8, out, rng.chance(25) ? Class.JMP32 : Class.JMP);
      c.add(alux(AluOp.ADD, value, 1));
      const size = rng.pick([Size.B, Size.H, Size.W]);
      this.use(c, value, 0, size, !map.readOnly || rng.chance(20));
    } else {
      const size = rng.pick(SIZES.filter((s) => sizeBytes(s) <= map.valueSize));
      const off = rng.below(map.valueSize - sizeBytes(size) + 1);
      this.use(c, value, off, size, !map.readOnly || rng.chance(20));
    }
    c.label(out);
  }

  /** map_update_elem (or delete) with key and value on the stack. */
  update(): void {
    const { rng, main: c } = this;
    // Now and then the read-only map: Linux refuses helper writes into it.
    const name: MapName = rng.pick(['arr', 'hash', 'arr', 'hash', 'ro']);
    const map = CATALOG[name];
    c.add(st(Size.DW, FRAME_POINTER, -8, rng.below(name === 'ro' ? 2 : 4)), st(Size.DW, FRAME_POINTER, -24, 7), st(Size.DW, FRAME_POINTER, -16, 9));
    c.add(movx(2, FRAME_POINTER), alu(AluOp.ADD, 2, -8), this.mapFd(1, name));
    if (rng.chance(70)) c.add(movx(3, FRAME_POINTER), alu(AluOp.ADD, 3, -8 - map.valueSize), mov(4, 0), call(HelperId.map_update_elem));
    else c.add(call(HelperId.map_delete_elem));
    c.add(movx(R7, R0));
  }

  /** A direct map value reference (lddw MAP_VALUE) and an access through it. */
  direct(): void {
    const { rng, main: c } = this;
    const name: MapName = rng.chance(75) ? 'glob' : 'ro';
    const size = rng.chance(75) ? rng.pick([Size.B, Size.W, Size.DW]) : Size.H;
    const room = CATALOG[name].valueSize - sizeBytes(size);
    const base = rng.below(room + 1);
    c.add(this.mapValue(1, name, base));
    this.use(c, 1, rng.below(room - base + 1), size, name === 'glob' || rng.chance(20));
  }

  /** Spill a pointer (or a bounded scalar) to the stack, maybe overwrite part of it, fill it and use it. */
  spill(): void {
    const { rng, main: c } = this;
    const out = c.fresh('out');
    const slot = -8 * (1 + rng.below(6));
    const kind = rng.below(5);
    let region = 0;
    let writable = true;
    if (kind === 0) {
      c.add(movx(1, FRAME_POINTER), alu(AluOp.ADD, 1, -64), st(Size.DW, FRAME_POINTER, -64, 0), st(Size.DW, FRAME_POINTER, -56, 0));
      region = 16;
    } else if (kind === 1) {
      c.add(movx(1, R6));
      region = 0;
    } else if (kind === 2) {
      c.add(this.mapValue(1, 'glob', 0));
      region = 48;
    } else if (kind === 3) {
      c.add(ldx(Size.W, 1, R6, 0), ldx(Size.W, 3, R6, 4), movx(4, 1), alu(AluOp.ADD, 4, 8));
      c.jmpx(JmpOp.JGT, 4, 3, out);
      region = 8;
      writable = false;
    } else {
      c.add(movx(1, R7), alu(AluOp.AND, 1, 15));
    }
    const width = rng.chance(85) ? Size.DW : rng.pick([Size.W, Size.H, Size.B]);
    c.add(stx(width, FRAME_POINTER, slot, 1));
    if (rng.chance(20)) c.add(st(rng.pick([Size.B, Size.H, Size.W]), FRAME_POINTER, slot + rng.pick([0, 1, 4]), 0));
    if (rng.chance(15)) c.add(mov(1, 0));
    const fill = rng.chance(85) ? width : rng.pick(SIZES);
    c.add(ldx(fill, 2, FRAME_POINTER, slot));
    if (kind === 4) {
      c.add(this.mapValue(3, 'glob', 0), alux(AluOp.ADD, 3, 2));
      this.use(c, 3, rng.below(33), Size.B, true);
    } else if (kind === 1) {
      c.add(ldx(Size.W, R7, 2, rng.pick([0, 4, 12])));
    } else {
      const size = rng.pick(SIZES.filter((s) => sizeBytes(s) <= region));
      this.use(c, 2, rng.below(region - sizeBytes(size) + 1), size, writable);
    }
    c.label(out);
  }

  /** A variable offset into initialised stack bytes. */
  stackVar(): void {
    const { rng, main: c } = this;
    c.add(st(Size.DW, FRAME_POINTER, -16, 1), st(Size.DW, FRAME_POINTER, -8, 2));
    c.add(movx(1, R7), alu(AluOp.AND, 1, rng.pick([7, 7, 15, 8])));
    c.add(movx(2, FRAME_POINTER), alu(AluOp.ADD, 2, -16), alux(AluOp.ADD, 2, 1));
    if (rng.chance(50)) c.add(ldx(Size.B, R7, 2, 0));
    else c.add(stx(Size.B, 2, 0, R7), ldx(Size.DW, R7, FRAME_POINTER, -16));
  }

  /** A chain of ALU operations on a constant or an unknown, then used as an offset into a 48-byte value. */
  scalar(): void {
    const { rng, main: c } = this;
    const out = c.fresh('out');
    const r = 1;
    const start = rng.below(4);
    if (start === 0) c.add(mov(r, rng.pick(EDGE_IMMS)));
    else if (start === 1) c.add(lddwFrom(r, rng.pick(EDGE_LONGS)));
    else if (start === 2) c.add(movx(r, R7));
    else c.add(call(HelperId.get_prandom_u32), movx(r, R0));
    const steps = 1 + rng.below(4);
    for (let k = 0; k < steps; k++) c.add(this.scalarStep(r));
    const finish = rng.below(4);
    if (finish === 0) c.add(alu(AluOp.AND, r, rng.pick([15, 31, 47, 48, 63])));
    else if (finish === 1) c.jmp(rng.pick([JmpOp.JGT, JmpOp.JSGT, JmpOp.JGE]), r, rng.pick([15, 40, 47]), out, rng.chance(30) ? Class.JMP32 : Class.JMP);
    else if (finish === 2) {
      c.jmp(rng.pick([JmpOp.JGT, JmpOp.JGE]), r, rng.pick([15, 40, 47]), out);
      c.jmp(rng.pick([JmpOp.JSLT, JmpOp.JLT]), r, 0, out);
    }
    c.add(this.mapValue(2, 'glob', 0), alux(AluOp.ADD, 2, r));
    this.use(c, 2, 0, Size.B, true);
    c.label(out);
  }

  private scalarStep(r: number): Instruction {
    const { rng } = this;
    const cls = rng.chance(35) ? Class.ALU : Class.ALU64;
    switch (rng.below(8)) {
      case 0:
        return { opcode: Class.ALU | AluOp.END | (rng.chance(50) ? 0x08 : 0), dst: r, src: 0, offset: 0, imm: rng.pick([16, 32, 64]) };
      case 1:
        return { opcode: Class.ALU64 | AluOp.END, dst: r, src: 0, offset: 0, imm: rng.pick([16, 32, 64]) };
      case 2:
        return { opcode: cls | AluOp.MOV | Source.X, dst: r, src: r, offset: rng.pick(cls === Class.ALU ? [8, 16] : [8, 16, 32]), imm: 0 };
      case 3:
        return alu(rng.pick([AluOp.DIV, AluOp.MOD]), r, rng.pick([0, 1, 3, 7, -1]), cls);
      case 4:
        return alu(rng.pick([AluOp.LSH, AluOp.RSH, AluOp.ARSH]), r, rng.pick([0, 1, 4, 31, 32, 56, 63, 64, 65]), cls);
      case 5:
        return { ...alu(rng.pick([AluOp.DIV, AluOp.MOD]), r, rng.pick([-3, 2, 5, 0]), cls), offset: 1 };
      case 6:
        return { opcode: cls | AluOp.NEG, dst: r, src: 0, offset: 0, imm: 0 };
      default:
        return alu(rng.pick([AluOp.ADD, AluOp.SUB, AluOp.MUL, AluOp.AND, AluOp.OR, AluOp.XOR]), r, rng.pick(EDGE_IMMS), cls);
    }
  }

  /** bpf_loop over a callback that updates a counter on the caller's stack through its context pointer. */
  loop(): void {
    const { rng, main: c } = this;
    const name = c.fresh('cb');
    const form = rng.below(3);
    const field = rng.pick([0, 8]);
    const r0 = rng.chance(90) ? 0 : 1;
    this.subs.push((cb) => {
      cb.label(name);
      if (form === 0) cb.add(ldx(Size.DW, 3, 2, 0), alux(AluOp.ADD, 3, 1), stx(Size.DW, 2, 0, 3));
      else if (form === 1) cb.add(ldx(Size.DW, 3, 2, field), st(Size.DW, FRAME_POINTER, -8, 1), ldx(Size.DW, 4, FRAME_POINTER, -8));
      else cb.add(movx(3, 1), alu(AluOp.AND, 3, 7), movx(4, 2), alux(AluOp.ADD, 4, 3), ldx(Size.B, 5, 4, 0));
      cb.add(mov(R0, r0), exit);
    });
    c.add(st(Size.DW, FRAME_POINTER, -16, 0), st(Size.DW, FRAME_POINTER, -8, 0));
    c.add(mov(1, 1 + rng.below(5)));
    c.to({ ...lddwFrom(2, 0n, PseudoSrc.FUNC) }, name);
    if (rng.chance(90)) c.add(movx(3, FRAME_POINTER), alu(AluOp.ADD, 3, -16));
    else c.add(mov(3, 0));
    c.add(mov(4, 0), call(HelperId.loop), ldx(Size.DW, R7, FRAME_POINTER, -16));
  }

  /** A local call passing a stack pointer and a scalar; the callee reads or writes through the pointer. */
  local(): void {
    const { rng, main: c } = this;
    const name = c.fresh('sub');
    const form = rng.below(3);
    const field = rng.pick([0, 8]);
    this.subs.push((sub) => {
      sub.label(name);
      if (form === 0) sub.add(ldx(Size.DW, R0, 1, field), alux(AluOp.ADD, R0, 2));
      else if (form === 1) sub.add(stx(Size.DW, 1, 8, 2), mov(R0, 0));
      else sub.add(st(Size.DW, FRAME_POINTER, -8, 5), ldx(Size.DW, R0, FRAME_POINTER, -8), alu(AluOp.AND, 2, 7), alux(AluOp.ADD, 1, 2), ldx(Size.B, 3, 1, 0));
      sub.add(exit);
    });
    c.add(st(Size.DW, FRAME_POINTER, -24, 3), st(Size.DW, FRAME_POINTER, -16, 4));
    c.add(movx(1, FRAME_POINTER), alu(AluOp.ADD, 1, -24), movx(2, R7));
    c.to({ opcode: CALL, dst: 0, src: CallSrc.LOCAL, offset: 0, imm: 0 }, name);
    c.add(movx(R7, R0));
  }

  /** Atomic read-modify-write on the stack or a map value. */
  atomic(): void {
    const { rng, main: c } = this;
    const onStack = rng.chance(50);
    if (onStack) c.add(st(Size.DW, FRAME_POINTER, -8, 0), movx(1, FRAME_POINTER), alu(AluOp.ADD, 1, -8));
    else c.add(this.mapValue(1, 'glob', 8));
    const op = rng.pick([AtomicOp.ADD, AtomicOp.ADD | AtomicOp.FETCH, AtomicOp.OR, AtomicOp.XOR | AtomicOp.FETCH, AtomicOp.XCHG, AtomicOp.CMPXCHG]);
    c.add(mov(2, 3), mov(R0, 0), { opcode: Class.STX | Mode.ATOMIC | (rng.chance(50) ? Size.DW : Size.W), dst: 1, src: 2, offset: rng.pick([0, 0, 4]), imm: op });
    c.add(movx(R7, 2));
  }

  /** A null check on a pointer that cannot be null; the branch Linux calls dead does something invalid. */
  nullCheck(): void {
    const { rng, main: c } = this;
    const out = c.fresh('out');
    const kind = rng.below(4);
    if (kind === 0) c.add(movx(2, FRAME_POINTER), alu(AluOp.ADD, 2, rng.pick([-8, -0x11000, -0x10e00])));
    else if (kind === 1) c.add(movx(2, R6), alu(AluOp.ADD, 2, rng.pick([0, -0x11000])));
    else if (kind === 2) c.add(this.mapValue(2, 'glob', 0), alu(AluOp.ADD, 2, rng.pick([0, -0x30000])));
    else c.add(ldx(Size.W, 2, R6, 0), alu(AluOp.ADD, 2, rng.pick([0, -0x20000])));
    c.jmp(JmpOp.JNE, 2, 0, out);
    c.add(this.mapValue(3, 'ro', 0), st(Size.DW, 3, 0, 0x41));
    c.label(out);
  }

  /** Pointer arithmetic Linux restricts: 32-bit ALU, multiplication, pointer minus pointer, arithmetic before a null check. */
  pointerOps(): void {
    const { rng, main: c } = this;
    const out = c.fresh('out');
    switch (rng.below(4)) {
      case 0:
        c.add(movx(2, FRAME_POINTER), alu(AluOp.ADD, 2, -8, Class.ALU), st(Size.DW, 2, 0, 1));
        break;
      case 1:
        c.add(this.mapValue(2, 'glob', 0), alu(rng.pick([AluOp.MUL, AluOp.AND, AluOp.OR, AluOp.LSH]), 2, 1), ldx(Size.B, R7, 2, 0));
        break;
      case 2:
        c.add(ldx(Size.W, 2, R6, 0), ldx(Size.W, 3, R6, 4), movx(4, 3), alux(AluOp.SUB, 4, 2), movx(R7, 4));
        break;
      default:
        c.add(st(Size.W, FRAME_POINTER, -4, 0), movx(2, FRAME_POINTER), alu(AluOp.ADD, 2, -4), this.mapFd(1, 'arr'), call(HelperId.map_lookup_elem));
        c.add(alu(AluOp.ADD, R0, 4));
        c.jmp(JmpOp.JEQ, R0, 0, out);
        c.add(ldx(Size.W, R7, R0, 0));
    }
    c.label(out);
  }

  /** Helpers given memory of every kind: a map value or packet bytes as a key, a stack or map buffer to fill, a format. */
  helperArgs(): void {
    const { rng, main: c } = this;
    const out = c.fresh('out');
    switch (rng.below(4)) {
      case 0:
        c.add(this.mapValue(2, 'glob', rng.pick([0, 8, 44, 45])), this.mapFd(1, 'arr'), call(HelperId.map_lookup_elem), movx(R7, R0));
        break;
      case 1:
        c.add(ldx(Size.W, 2, R6, 0), ldx(Size.W, 3, R6, 4), movx(4, 2), alu(AluOp.ADD, 4, rng.pick([4, 8])));
        c.jmpx(JmpOp.JGT, 4, 3, out);
        c.add(this.mapFd(1, rng.pick(['arr', 'hash'] as const)), call(HelperId.map_lookup_elem), movx(R7, R0));
        break;
      case 2: {
        const size = rng.pick([1, 4, 8, 15, 16, 17]);
        c.add(st(Size.DW, FRAME_POINTER, -16, 0x0a6425), st(Size.DW, FRAME_POINTER, -8, 0));
        c.add(movx(1, FRAME_POINTER), alu(AluOp.ADD, 1, -16), mov(2, size), movx(3, R7), call(HelperId.trace_printk));
        break;
      }
      default: {
        const size = rng.pick([1, 8, 16, 17, 48, 49]);
        if (rng.chance(50)) c.add(movx(1, FRAME_POINTER), alu(AluOp.ADD, 1, -32));
        else c.add(this.mapValue(1, 'glob', rng.pick([0, 32])));
        c.add(mov(2, size), movx(3, FRAME_POINTER), call(HelperId.probe_read_kernel), ldx(Size.DW, R7, FRAME_POINTER, -32));
      }
    }
    c.label(out);
  }

  /** A bounded loop with a back edge, its counter used as an offset into the stack. */
  boundedLoop(): void {
    const { rng, main: c } = this;
    const top = c.fresh('top');
    c.add(st(Size.DW, FRAME_POINTER, -8, 0), st(Size.DW, FRAME_POINTER, -16, 0), mov(1, 0));
    c.label(top);
    c.add(movx(2, 1), alu(AluOp.AND, 2, 7), movx(3, FRAME_POINTER), alu(AluOp.ADD, 3, -16), alux(AluOp.ADD, 3, 2));
    c.add(rng.chance(50) ? ldx(Size.B, 4, 3, 0) : stx(Size.B, 3, 0, 1));
    // `!=` only with step 1: a larger step could jump over the bound and loop (almost) forever.
    const op = rng.pick([JmpOp.JLT, JmpOp.JNE, JmpOp.JLE]);
    c.add(alu(AluOp.ADD, 1, op === JmpOp.JNE ? 1 : rng.pick([1, 2, 3])));
    c.jmp(op, 1, rng.pick([4, 8, 9, 16]), top, rng.chance(25) ? Class.JMP32 : Class.JMP);
    c.add(ldx(Size.DW, R7, FRAME_POINTER, -16));
  }

  /** A context read at any offset of struct xdp_md, of any size (narrow and wide loads included). */
  ctxRead(): void {
    const { rng } = this;
    const size = rng.pick(SIZES);
    const off = rng.pick([0, 4, 8, 12, 16, 20]) + rng.pick([0, 0, 0, 1, 2, 4]);
    this.main.add(ldx(size, R7, R6, off), alu(AluOp.AND, R7, 0xff));
  }

  /** callx through a register holding a helper id. */
  callx(): void {
    this.main.add(mov(5, HelperId.get_prandom_u32), { opcode: Class.JMP | JmpOp.CALL | Source.X, dst: 5, src: 0, offset: 0, imm: 0 }, movx(R7, R0));
  }

  /** A read of one of the hook fields Sluice documents past struct xdp_md (Linux refuses these). */
  hookField(): void {
    const { rng } = this;
    const field = rng.pick([[24, Size.W], [28, Size.W], [32, Size.DW], [40, Size.DW]] as const);
    this.main.add(ldx(field[1], R7, R6, field[0]));
  }
}
