// The eBPF interpreter: exact 64-bit semantics on 32-bit register halves, one switch over pre-decoded slots.
import type { ProgramSpec } from '../asm/program.js';
import { mul64, sdiv64, smod64, udiv64, umod64, wide } from './arith64.js';
import { Auditor } from './audit.js';
import { Code } from './codes.js';
import { type Decoded, decodeProgram } from './lower.js';
import type { Engine, Executable, ProgramFacts, RunResult } from './engine.js';
import { BudgetExceeded, CallDepthExceeded, InvalidHelperArgument, InvalidProgram, UnknownHelper } from './errors.js';
import { FRAME_SIZE, MAX_FRAMES, STACK_TOP } from './memory.js';
import { preflight } from './preflight.js';
import { atomic, callHelper, compare32, swap } from './interpreter-ops.js';
import type { CallbackInvoker, Runtime } from './runtime.js';

/** InterpreterOptions: `audit` keeps every check and asserts each proven access stays in its proven region (audit.ts). */
export interface InterpreterOptions {
  readonly audit?: boolean;
}

/** Interpreter is the Engine that runs programs by interpretation: no compile step, every access checked. */
export class Interpreter implements Engine {
  readonly name = 'interpreter' as const;

  constructor(private readonly options: InterpreterOptions = {}) {}

  /**
   * load checks the program's structure (preflight), decodes it once, and binds it to `runtime`.
   * In audit mode the facts' proven accesses keep their checks and are audited (facts must carry provenRegions).
   */
  load(program: ProgramSpec, runtime: Runtime, facts?: ProgramFacts): Executable {
    preflight(program);
    if (!this.options.audit) return new InterpretedProgram(decodeProgram(program, runtime, facts?.safeAccesses), runtime);
    const auditor = new Auditor(program, runtime, facts?.provenRegions ?? new Map(), facts?.walked);
    return new InterpretedProgram(decodeProgram(program, runtime, undefined, (slot) => auditor.code(slot)), runtime, auditor);
  }
}

/** Words saved per call frame: r6..r9 as low/high halves, then the return slot. */
const SAVED_WORDS = 9;
const TWO_32 = 4294967296;

/** InterpretedProgram is one decoded program bound to a runtime; `run` may be called many times. */
class InterpretedProgram implements Executable {
  /**
   * Register files, one per nesting level (level 0 for run, one more per bpf_loop callback in
   * flight): r_k's low half at index 2k, its high half at 2k + 1.
   */
  private readonly levels: Int32Array[] = [];
  private level = 0;
  /** r6..r9 and the return slot of each caller frame, indexed by the caller's depth. */
  private readonly saved = new Int32Array(MAX_FRAMES * SAVED_WORDS);
  /** Instructions executed in the current run (synchronised around helper calls and callbacks). */
  private executed = 0;
  /** Frame depth of the instruction that called the helper now running (callbacks go one deeper). */
  private depth = 0;
  private readonly invoke: CallbackInvoker = (slot, index, contextLo, contextHi, callerSlot) =>
    this.callback(slot, index, contextLo, contextHi, callerSlot);

  constructor(
    private readonly program: Decoded,
    private readonly runtime: Runtime,
    private readonly auditor?: Auditor,
  ) {}

  run(r1: number, r2 = 0): RunResult {
    this.runtime.beginRun();
    this.executed = 0;
    this.level = 0;
    const R = this.registers(0);
    R[2] = r1 % TWO_32;
    R[3] = Math.floor(r1 / TWO_32);
    R[4] = r2 % TWO_32;
    R[5] = Math.floor(r2 / TWO_32);
    R[20] = STACK_TOP;
    this.exec(0, 0, R);
    return { r0: (BigInt((R[1] as number) >>> 0) << 32n) | BigInt((R[0] as number) >>> 0), instructions: this.executed };
  }

  /** registers returns the zeroed register file of a nesting level. */
  private registers(level: number): Int32Array {
    let file = this.levels[level];
    if (!file) {
      file = new Int32Array(22);
      this.levels[level] = file;
    }
    return file.fill(0);
  }

  /** callback runs a bpf_loop callback one frame deeper than its caller, with its own register file. */
  private callback(slot: number, index: number, contextLo: number, contextHi: number, callerSlot: number): number {
    // runtime.loop accepts any func handle; only a function's first slot may be entered (as the JIT's table does).
    if (this.program.functionStart[slot] !== 1) throw new InvalidHelperArgument(callerSlot, `bpf_loop callback insn #${slot} does not start a function`);
    const callerDepth = this.depth;
    const depth = callerDepth + 1;
    if (depth >= MAX_FRAMES) throw new CallDepthExceeded(callerSlot, MAX_FRAMES);
    const R = this.registers(++this.level);
    R[2] = index;
    R[4] = contextLo;
    R[5] = contextHi;
    R[20] = STACK_TOP - depth * FRAME_SIZE;
    try {
      this.exec(slot, depth, R);
    } finally {
      this.level--;
      this.depth = callerDepth;
    }
    return (R[0] as number) | (R[1] as number);
  }

  /**
   * exec runs from `entry` in frame `base` until that frame exits, leaving r0 in R[0]/R[1].
   *
   * Why it looks like this: every case is written out by hand (no helper call per
   * instruction) because V8 stops inlining small functions once this function is large, and
   * a call per instruction halves the speed. Case labels are `Code` members (codes.ts), a
   * const enum tsc writes as number literals, so V8 builds a jump table. Registers are
   * Int32Array halves (low at 2k, high at 2k + 1; decoded register fields come out already
   * doubled): 64-bit values without BigInt. Slots are four words in one array: fewer arrays
   * means fewer live values for V8's register allocator.
   * Bounds checks compare against the last region hit (rs/re for reads, ws/we for writes)
   * and only search the region list on a miss.
   */
  private exec(entry: number, base: number, R: Int32Array): void {
    const I = this.program.words;
    const runtime = this.runtime;
    const mem = runtime.space.bytes;
    const dv = runtime.space.view;
    const limit = runtime.budget;
    const wStart = runtime.space.writableStart;
    const wSpan = runtime.space.writableEnd - wStart;
    let n = this.executed;
    let depth = base;
    let pc = entry;
    let rs = 0;
    let re = 0;
    let ws = 0;
    let we = 0;
    for (;;) {
      const p = pc++;
      const q = p << 2;
      // Word 0 of a slot: code in bits 0-7, dst in 8-11, src in 12-15. (w >> 7) & 0x1e is
      // dst * 2 and (w >> 11) & 0x1e is src * 2: the index of the register's low half in R.
      const w = I[q] as number;
      n++;
      switch (w & 0xff) {
        // ---- ALU64, immediate (sign-extended to 64 bits: imm / immHi) and register forms ----
        // add/sub stay in 32-bit integer arithmetic: the carry out of the low half is
        // (sum < addend) unsigned, which V8 compiles to word compares instead of float math.
        case Code.ADD64_K: { // add64 dst, imm
          const d = (w >> 7) & 0x1e;
          const b = I[q + 2] as number;
          const lo = ((R[d] as number) + b) | 0;
          R[d] = lo;
          R[d + 1] = ((R[d + 1] as number) + (I[q + 3] as number) + ((lo >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
          break;
        }
        case Code.ADD64_X: { // add64 dst, src
          const d = (w >> 7) & 0x1e;
          const s = (w >> 11) & 0x1e;
          const b = R[s] as number;
          const lo = ((R[d] as number) + b) | 0;
          R[d] = lo;
          R[d + 1] = ((R[d + 1] as number) + (R[s + 1] as number) + ((lo >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
          break;
        }
        case Code.SUB64_K: { // sub64 dst, imm
          const d = (w >> 7) & 0x1e;
          const a = R[d] as number;
          const b = I[q + 2] as number;
          R[d] = (a - b) | 0;
          R[d + 1] = ((R[d + 1] as number) - (I[q + 3] as number) - ((a >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
          break;
        }
        case Code.SUB64_X: { // sub64 dst, src
          const d = (w >> 7) & 0x1e;
          const s = (w >> 11) & 0x1e;
          const a = R[d] as number;
          const b = R[s] as number;
          R[d] = (a - b) | 0;
          R[d + 1] = ((R[d + 1] as number) - (R[s + 1] as number) - ((a >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
          break;
        }
        case Code.MUL64_K: { // mul64 dst, imm
          const d = (w >> 7) & 0x1e;
          const product = ((R[d] as number) >>> 0) * ((I[q + 2] as number) >>> 0);
          if (R[d + 1] === 0 && I[q + 3] === 0 && product <= Number.MAX_SAFE_INTEGER) {
            R[d] = product;
            R[d + 1] = product / TWO_32;
          } else {
            mul64(R[d] as number, R[d + 1] as number, I[q + 2] as number, I[q + 3] as number);
            R[d] = wide[0] as number;
            R[d + 1] = wide[1] as number;
          }
          break;
        }
        case Code.MUL64_X: { // mul64 dst, src
          const d = (w >> 7) & 0x1e;
          const s = (w >> 11) & 0x1e;
          const product = ((R[d] as number) >>> 0) * ((R[s] as number) >>> 0);
          if (R[d + 1] === 0 && R[s + 1] === 0 && product <= Number.MAX_SAFE_INTEGER) {
            R[d] = product;
            R[d + 1] = product / TWO_32;
          } else {
            mul64(R[d] as number, R[d + 1] as number, R[s] as number, R[s + 1] as number);
            R[d] = wide[0] as number;
            R[d + 1] = wide[1] as number;
          }
          break;
        }
        case Code.DIV64_K: { // div64 dst, imm
          const d = (w >> 7) & 0x1e;
          udiv64(R[d] as number, R[d + 1] as number, I[q + 2] as number, I[q + 3] as number);
          R[d] = wide[0] as number;
          R[d + 1] = wide[1] as number;
          break;
        }
        case Code.DIV64_X: { // div64 dst, src
          const d = (w >> 7) & 0x1e;
          const s = (w >> 11) & 0x1e;
          udiv64(R[d] as number, R[d + 1] as number, R[s] as number, R[s + 1] as number);
          R[d] = wide[0] as number;
          R[d + 1] = wide[1] as number;
          break;
        }
        case Code.SDIV64_K: { // sdiv64 dst, imm (variant)
          const d = (w >> 7) & 0x1e;
          sdiv64(R[d] as number, R[d + 1] as number, I[q + 2] as number, I[q + 3] as number);
          R[d] = wide[0] as number;
          R[d + 1] = wide[1] as number;
          break;
        }
        case Code.SDIV64_X: { // sdiv64 dst, src (variant)
          const d = (w >> 7) & 0x1e;
          const s = (w >> 11) & 0x1e;
          sdiv64(R[d] as number, R[d + 1] as number, R[s] as number, R[s + 1] as number);
          R[d] = wide[0] as number;
          R[d + 1] = wide[1] as number;
          break;
        }
        case Code.MOD64_K: { // mod64 dst, imm
          const d = (w >> 7) & 0x1e;
          umod64(R[d] as number, R[d + 1] as number, I[q + 2] as number, I[q + 3] as number);
          R[d] = wide[0] as number;
          R[d + 1] = wide[1] as number;
          break;
        }
        case Code.MOD64_X: { // mod64 dst, src
          const d = (w >> 7) & 0x1e;
          const s = (w >> 11) & 0x1e;
          umod64(R[d] as number, R[d + 1] as number, R[s] as number, R[s + 1] as number);
          R[d] = wide[0] as number;
          R[d + 1] = wide[1] as number;
          break;
        }
        case Code.SMOD64_K: { // smod64 dst, imm (variant)
          const d = (w >> 7) & 0x1e;
          smod64(R[d] as number, R[d + 1] as number, I[q + 2] as number, I[q + 3] as number);
          R[d] = wide[0] as number;
          R[d + 1] = wide[1] as number;
          break;
        }
        case Code.SMOD64_X: { // smod64 dst, src (variant)
          const d = (w >> 7) & 0x1e;
          const s = (w >> 11) & 0x1e;
          smod64(R[d] as number, R[d + 1] as number, R[s] as number, R[s + 1] as number);
          R[d] = wide[0] as number;
          R[d + 1] = wide[1] as number;
          break;
        }
        case Code.OR64_K: { // or64 dst, imm
          const d = (w >> 7) & 0x1e;
          R[d] = (R[d] as number) | (I[q + 2] as number);
          R[d + 1] = (R[d + 1] as number) | (I[q + 3] as number);
          break;
        }
        case Code.OR64_X: { // or64 dst, src
          const d = (w >> 7) & 0x1e;
          const s = (w >> 11) & 0x1e;
          R[d] = (R[d] as number) | (R[s] as number);
          R[d + 1] = (R[d + 1] as number) | (R[s + 1] as number);
          break;
        }
        case Code.AND64_K: { // and64 dst, imm
          const d = (w >> 7) & 0x1e;
          R[d] = (R[d] as number) & (I[q + 2] as number);
          R[d + 1] = (R[d + 1] as number) & (I[q + 3] as number);
          break;
        }
        case Code.AND64_X: { // and64 dst, src
          const d = (w >> 7) & 0x1e;
          const s = (w >> 11) & 0x1e;
          R[d] = (R[d] as number) & (R[s] as number);
          R[d + 1] = (R[d + 1] as number) & (R[s + 1] as number);
          break;
        }
        case Code.XOR64_K: { // xor64 dst, imm
          const d = (w >> 7) & 0x1e;
          R[d] = (R[d] as number) ^ (I[q + 2] as number);
          R[d + 1] = (R[d + 1] as number) ^ (I[q + 3] as number);
          break;
        }
        case Code.XOR64_X: { // xor64 dst, src
          const d = (w >> 7) & 0x1e;
          const s = (w >> 11) & 0x1e;
          R[d] = (R[d] as number) ^ (R[s] as number);
          R[d + 1] = (R[d + 1] as number) ^ (R[s + 1] as number);
          break;
        }
        case Code.LSH64_K: // lsh64 dst, imm
        case Code.LSH64_X: { // lsh64 dst, src
          const d = (w >> 7) & 0x1e;
          const c = ((w & 0xff) === 0x67 ? (I[q + 2] as number) : (R[((w >> 11) & 0x1e)] as number)) & 63;
          const lo = R[d] as number;
          if (c >= 32) {
            R[d + 1] = lo << (c - 32);
            R[d] = 0;
          } else if (c > 0) {
            R[d + 1] = ((R[d + 1] as number) << c) | (lo >>> (32 - c));
            R[d] = lo << c;
          }
          break;
        }
        case Code.RSH64_K: // rsh64 dst, imm
        case Code.RSH64_X: { // rsh64 dst, src
          const d = (w >> 7) & 0x1e;
          const c = ((w & 0xff) === 0x77 ? (I[q + 2] as number) : (R[((w >> 11) & 0x1e)] as number)) & 63;
          const hi = R[d + 1] as number;
          if (c >= 32) {
            R[d] = hi >>> (c - 32);
            R[d + 1] = 0;
          } else if (c > 0) {
            R[d] = ((R[d] as number) >>> c) | (hi << (32 - c));
            R[d + 1] = hi >>> c;
          }
          break;
        }
        case Code.ARSH64_K: // arsh64 dst, imm
        case Code.ARSH64_X: { // arsh64 dst, src
          const d = (w >> 7) & 0x1e;
          const c = ((w & 0xff) === 0xc7 ? (I[q + 2] as number) : (R[((w >> 11) & 0x1e)] as number)) & 63;
          const hi = R[d + 1] as number;
          if (c >= 32) {
            R[d] = hi >> (c - 32);
            R[d + 1] = hi >> 31;
          } else if (c > 0) {
            R[d] = ((R[d] as number) >>> c) | (hi << (32 - c));
            R[d + 1] = hi >> c;
          }
          break;
        }
        case Code.NEG64: { // neg64 dst
          const d = (w >> 7) & 0x1e;
          const lo = R[d] as number;
          R[d] = -lo;
          R[d + 1] = ~(R[d + 1] as number) + (lo === 0 ? 1 : 0);
          break;
        }
        case Code.MOV64_K: { // mov64 dst, imm
          const d = (w >> 7) & 0x1e;
          R[d] = I[q + 2] as number;
          R[d + 1] = I[q + 3] as number;
          break;
        }
        case Code.MOV64_X: { // mov64 dst, src
          const d = (w >> 7) & 0x1e;
          const s = (w >> 11) & 0x1e;
          R[d] = R[s] as number;
          R[d + 1] = R[s + 1] as number;
          break;
        }
        case Code.MOVSX64_8: { // movsx64 dst, (s8) src (variant)
          const d = (w >> 7) & 0x1e;
          const v = ((R[((w >> 11) & 0x1e)] as number) << 24) >> 24;
          R[d] = v;
          R[d + 1] = v >> 31;
          break;
        }
        case Code.MOVSX64_16: { // movsx64 dst, (s16) src (variant)
          const d = (w >> 7) & 0x1e;
          const v = ((R[((w >> 11) & 0x1e)] as number) << 16) >> 16;
          R[d] = v;
          R[d + 1] = v >> 31;
          break;
        }
        case Code.MOVSX64_32: { // movsx64 dst, (s32) src (variant)
          const d = (w >> 7) & 0x1e;
          const v = R[((w >> 11) & 0x1e)] as number;
          R[d] = v;
          R[d + 1] = v >> 31;
          break;
        }
        case Code.BSWAP: { // bswap16/32/64 dst
          const d = (w >> 7) & 0x1e;
          swap(R, d, I[q + 2] as number);
          break;
        }

        // ---- ALU32: the low halves only; every result zero-extends (high half 0) ----
        case Code.ADD32_K: { // add32 dst, imm
          const d = (w >> 7) & 0x1e;
          R[d] = (R[d] as number) + (I[q + 2] as number);
          R[d + 1] = 0;
          break;
        }
        case Code.ADD32_X: { // add32 dst, src
          const d = (w >> 7) & 0x1e;
          R[d] = (R[d] as number) + (R[((w >> 11) & 0x1e)] as number);
          R[d + 1] = 0;
          break;
        }
        case Code.SUB32_K: { // sub32 dst, imm
          const d = (w >> 7) & 0x1e;
          R[d] = (R[d] as number) - (I[q + 2] as number);
          R[d + 1] = 0;
          break;
        }
        case Code.SUB32_X: { // sub32 dst, src
          const d = (w >> 7) & 0x1e;
          R[d] = (R[d] as number) - (R[((w >> 11) & 0x1e)] as number);
          R[d + 1] = 0;
          break;
        }
        case Code.MUL32_K: { // mul32 dst, imm
          const d = (w >> 7) & 0x1e;
          R[d] = Math.imul(R[d] as number, I[q + 2] as number);
          R[d + 1] = 0;
          break;
        }
        case Code.MUL32_X: { // mul32 dst, src
          const d = (w >> 7) & 0x1e;
          R[d] = Math.imul(R[d] as number, R[((w >> 11) & 0x1e)] as number);
          R[d + 1] = 0;
          break;
        }
        case Code.DIV32_K: // div32 dst, imm
        case Code.DIV32_X: { // div32 dst, src
          const d = (w >> 7) & 0x1e;
          const b = (((w & 0xff) === 0x34 ? I[q + 2] : R[((w >> 11) & 0x1e)]) as number) >>> 0;
          R[d] = b === 0 ? 0 : Math.floor(((R[d] as number) >>> 0) / b);
          R[d + 1] = 0;
          break;
        }
        case Code.MOD32_K: // mod32 dst, imm
        case Code.MOD32_X: { // mod32 dst, src
          const d = (w >> 7) & 0x1e;
          const b = (((w & 0xff) === 0x94 ? I[q + 2] : R[((w >> 11) & 0x1e)]) as number) >>> 0;
          if (b !== 0) R[d] = ((R[d] as number) >>> 0) % b;
          R[d + 1] = 0;
          break;
        }
        case Code.SDIV32_K: // sdiv32 dst, imm (variant)
        case Code.SDIV32_X: { // sdiv32 dst, src (variant)
          const d = (w >> 7) & 0x1e;
          const b = ((w & 0xff) === 0x28 ? I[q + 2] : R[((w >> 11) & 0x1e)]) as number;
          R[d] = b === 0 ? 0 : Math.trunc((R[d] as number) / b);
          R[d + 1] = 0;
          break;
        }
        case Code.SMOD32_K: // smod32 dst, imm (variant)
        case Code.SMOD32_X: { // smod32 dst, src (variant)
          const d = (w >> 7) & 0x1e;
          const b = ((w & 0xff) === 0x38 ? I[q + 2] : R[((w >> 11) & 0x1e)]) as number;
          if (b !== 0) R[d] = (R[d] as number) % b;
          R[d + 1] = 0;
          break;
        }
        case Code.OR32_K: { // or32 dst, imm
          const d = (w >> 7) & 0x1e;
          R[d] = (R[d] as number) | (I[q + 2] as number);
          R[d + 1] = 0;
          break;
        }
        case Code.OR32_X: { // or32 dst, src
          const d = (w >> 7) & 0x1e;
          R[d] = (R[d] as number) | (R[((w >> 11) & 0x1e)] as number);
          R[d + 1] = 0;
          break;
        }
        case Code.AND32_K: { // and32 dst, imm
          const d = (w >> 7) & 0x1e;
          R[d] = (R[d] as number) & (I[q + 2] as number);
          R[d + 1] = 0;
          break;
        }
        case Code.AND32_X: { // and32 dst, src
          const d = (w >> 7) & 0x1e;
          R[d] = (R[d] as number) & (R[((w >> 11) & 0x1e)] as number);
          R[d + 1] = 0;
          break;
        }
        case Code.XOR32_K: { // xor32 dst, imm
          const d = (w >> 7) & 0x1e;
          R[d] = (R[d] as number) ^ (I[q + 2] as number);
          R[d + 1] = 0;
          break;
        }
        case Code.XOR32_X: { // xor32 dst, src
          const d = (w >> 7) & 0x1e;
          R[d] = (R[d] as number) ^ (R[((w >> 11) & 0x1e)] as number);
          R[d + 1] = 0;
          break;
        }
        case Code.LSH32_K: { // lsh32 dst, imm
          const d = (w >> 7) & 0x1e;
          R[d] = (R[d] as number) << ((I[q + 2] as number) & 31);
          R[d + 1] = 0;
          break;
        }
        case Code.LSH32_X: { // lsh32 dst, src
          const d = (w >> 7) & 0x1e;
          R[d] = (R[d] as number) << ((R[((w >> 11) & 0x1e)] as number) & 31);
          R[d + 1] = 0;
          break;
        }
        case Code.RSH32_K: { // rsh32 dst, imm
          const d = (w >> 7) & 0x1e;
          R[d] = (R[d] as number) >>> ((I[q + 2] as number) & 31);
          R[d + 1] = 0;
          break;
        }
        case Code.RSH32_X: { // rsh32 dst, src
          const d = (w >> 7) & 0x1e;
          R[d] = (R[d] as number) >>> ((R[((w >> 11) & 0x1e)] as number) & 31);
          R[d + 1] = 0;
          break;
        }
        case Code.ARSH32_K: { // arsh32 dst, imm
          const d = (w >> 7) & 0x1e;
          R[d] = (R[d] as number) >> ((I[q + 2] as number) & 31);
          R[d + 1] = 0;
          break;
        }
        case Code.ARSH32_X: { // arsh32 dst, src
          const d = (w >> 7) & 0x1e;
          R[d] = (R[d] as number) >> ((R[((w >> 11) & 0x1e)] as number) & 31);
          R[d + 1] = 0;
          break;
        }
        case Code.NEG32: { // neg32 dst
          const d = (w >> 7) & 0x1e;
          R[d] = -(R[d] as number);
          R[d + 1] = 0;
          break;
        }
        case Code.MOV32_K: { // mov32 dst, imm
          const d = (w >> 7) & 0x1e;
          R[d] = I[q + 2] as number;
          R[d + 1] = 0;
          break;
        }
        case Code.MOV32_X: { // mov32 dst, src
          const d = (w >> 7) & 0x1e;
          R[d] = R[((w >> 11) & 0x1e)] as number;
          R[d + 1] = 0;
          break;
        }
        case Code.MOVSX32_8: { // movsx32 dst, (s8) src (variant)
          const d = (w >> 7) & 0x1e;
          R[d] = ((R[((w >> 11) & 0x1e)] as number) << 24) >> 24;
          R[d + 1] = 0;
          break;
        }
        case Code.MOVSX32_16: { // movsx32 dst, (s16) src (variant)
          const d = (w >> 7) & 0x1e;
          R[d] = ((R[((w >> 11) & 0x1e)] as number) << 16) >> 16;
          R[d + 1] = 0;
          break;
        }
        case Code.LE: { // le16/le32/le64 dst: on a little-endian machine, truncate to the width
          const d = (w >> 7) & 0x1e;
          const bits = I[q + 2] as number;
          if (bits === 16) R[d] = (R[d] as number) & 0xffff;
          if (bits !== 64) R[d + 1] = 0;
          break;
        }
        case Code.BE: { // be16/be32/be64 dst
          swap(R, ((w >> 7) & 0x1e), I[q + 2] as number);
          break;
        }

        // ---- superinstructions (variants, see fusePairs in lower.ts): two slots, one dispatch ----
        case Code.FUSED_MOV_MOV: { // mov64 a, b; mov64 c, d
          const a = (w >> 7) & 0x1e;
          const b = (w >> 11) & 0x1e;
          R[a] = R[b] as number;
          R[a + 1] = R[b + 1] as number;
          const c = (((I[q + 4] as number) >> 7) & 0x1e);
          const e = (((I[q + 4] as number) >> 11) & 0x1e);
          R[c] = R[e] as number;
          R[c + 1] = R[e + 1] as number;
          pc++;
          n++;
          break;
        }
        case Code.FUSED_MOV_ADD_K: { // mov64 a, b; add64 a, imm
          const a = (w >> 7) & 0x1e;
          const b = (w >> 11) & 0x1e;
          const k = I[q + 6] as number;
          const lo = ((R[b] as number) + k) | 0;
          R[a] = lo;
          R[a + 1] = ((R[b + 1] as number) + (I[q + 7] as number) + ((lo >>> 0) < (k >>> 0) ? 1 : 0)) | 0;
          pc++;
          n++;
          break;
        }
        case Code.FUSED_MOV_ADD_X: { // mov64 a, b; add64 a, c (c is not a)
          const a = (w >> 7) & 0x1e;
          const b = (w >> 11) & 0x1e;
          const c = (((I[q + 4] as number) >> 11) & 0x1e);
          const k = R[c] as number;
          const lo = ((R[b] as number) + k) | 0;
          R[a] = lo;
          R[a + 1] = ((R[b + 1] as number) + (R[c + 1] as number) + ((lo >>> 0) < (k >>> 0) ? 1 : 0)) | 0;
          pc++;
          n++;
          break;
        }
        case Code.FUSED_MOV_MOV_MOV: { // mov64 a, b; mov64 c, d; mov64 e, f
          let a = (w >> 7) & 0x1e;
          let b = (w >> 11) & 0x1e;
          R[a] = R[b] as number;
          R[a + 1] = R[b + 1] as number;
          a = (((I[q + 4] as number) >> 7) & 0x1e);
          b = (((I[q + 4] as number) >> 11) & 0x1e);
          R[a] = R[b] as number;
          R[a + 1] = R[b + 1] as number;
          a = (((I[q + 8] as number) >> 7) & 0x1e);
          b = (((I[q + 8] as number) >> 11) & 0x1e);
          R[a] = R[b] as number;
          R[a + 1] = R[b + 1] as number;
          pc += 2;
          n += 2;
          break;
        }
        case Code.FUSED_MOV_ADD_K_JGT_X: // mov64 a, b; add64 a, imm; jgt a, c, target (a bounds check)
        case Code.FUSED_MOV_ADD_K_JGT_K: { // mov64 a, b; add64 a, imm; jgt a, imm2, target
          const a = (w >> 7) & 0x1e;
          const b = (w >> 11) & 0x1e;
          const k = I[q + 6] as number;
          const lo = ((R[b] as number) + k) | 0;
          const hi = ((R[b + 1] as number) + (I[q + 7] as number) + ((lo >>> 0) < (k >>> 0) ? 1 : 0)) | 0;
          R[a] = lo;
          R[a + 1] = hi;
          n += 2;
          const j = q + 8; // words of slot p + 2
          let bl: number;
          let bh: number;
          if ((w & 0xff) === 0xe7) {
            const c = ((I[j] as number) >> 11) & 0x1e as number;
            bl = R[c] as number;
            bh = R[c + 1] as number;
          } else {
            bl = I[j + 2] as number;
            bh = I[j + 3] as number;
          }
          if (hi >>> 0 > bh >>> 0 || (hi === bh && lo >>> 0 > bl >>> 0)) {
            pc = I[j + 1] as number;
            if (n > limit) throw new BudgetExceeded(p + 2, limit);
          } else {
            pc += 2;
          }
          break;
        }
        case Code.FUSED_ZEXT: // lsh64 a, 32; rsh64 a, 32: zero-extend the low half
          R[((w >> 7) & 0x1e) + 1] = 0;
          pc++;
          n++;
          break;
        case Code.FUSED_ADD_K_JNE_K: { // add64 a, imm; jne a, imm2, target
          const a = (w >> 7) & 0x1e;
          const k = I[q + 2] as number;
          const lo = ((R[a] as number) + k) | 0;
          const hi = ((R[a + 1] as number) + (I[q + 3] as number) + ((lo >>> 0) < (k >>> 0) ? 1 : 0)) | 0;
          R[a] = lo;
          R[a + 1] = hi;
          n++;
          if (lo !== I[q + 6] || hi !== I[q + 7]) {
            pc = I[q + 5] as number;
            if (n > limit) throw new BudgetExceeded(p + 1, limit);
          } else {
            pc++;
          }
          break;
        }

        // ---- lddw: the 64-bit constant (or resolved map/function reference) is pre-decoded ----
        case Code.LDDW: {
          const d = (w >> 7) & 0x1e;
          R[d] = I[q + 2] as number;
          R[d + 1] = I[q + 3] as number;
          pc++;
          break;
        }

        // ---- loads: bounds-checked against the last region read (rs/re), else the region list ----
        case Code.LDXB: { // ldxb dst, [src + off]
          const s = (w >> 11) & 0x1e;
          const a = (R[s] as number) + (I[q + 1] as number);
          if (a < rs || a + 1 > re || R[s + 1] !== 0) {
            const r = runtime.checkRead(a, R[s + 1] as number, 1, p);
            rs = r.start;
            re = r.end;
          }
          const d = (w >> 7) & 0x1e;
          R[d] = mem[a] as number;
          R[d + 1] = 0;
          break;
        }
        case Code.LDXH: { // ldxh dst, [src + off]
          const s = (w >> 11) & 0x1e;
          const a = (R[s] as number) + (I[q + 1] as number);
          if (a < rs || a + 2 > re || R[s + 1] !== 0) {
            const r = runtime.checkRead(a, R[s + 1] as number, 2, p);
            rs = r.start;
            re = r.end;
          }
          const d = (w >> 7) & 0x1e;
          R[d] = dv.getUint16(a, true);
          R[d + 1] = 0;
          break;
        }
        case Code.LDXW: { // ldxw dst, [src + off]
          const s = (w >> 11) & 0x1e;
          const a = (R[s] as number) + (I[q + 1] as number);
          if (a < rs || a + 4 > re || R[s + 1] !== 0) {
            const r = runtime.checkRead(a, R[s + 1] as number, 4, p);
            rs = r.start;
            re = r.end;
          }
          const d = (w >> 7) & 0x1e;
          R[d] = dv.getInt32(a, true);
          R[d + 1] = 0;
          break;
        }
        case Code.LDXDW: { // ldxdw dst, [src + off]
          const s = (w >> 11) & 0x1e;
          const a = (R[s] as number) + (I[q + 1] as number);
          if (a < rs || a + 8 > re || R[s + 1] !== 0) {
            const r = runtime.checkRead(a, R[s + 1] as number, 8, p);
            rs = r.start;
            re = r.end;
          }
          const d = (w >> 7) & 0x1e;
          R[d] = dv.getInt32(a, true);
          R[d + 1] = dv.getInt32(a + 4, true);
          break;
        }
        case Code.LDXSB: { // ldxsb dst, [src + off]
          const s = (w >> 11) & 0x1e;
          const a = (R[s] as number) + (I[q + 1] as number);
          if (a < rs || a + 1 > re || R[s + 1] !== 0) {
            const r = runtime.checkRead(a, R[s + 1] as number, 1, p);
            rs = r.start;
            re = r.end;
          }
          const d = (w >> 7) & 0x1e;
          const v = dv.getInt8(a);
          R[d] = v;
          R[d + 1] = v >> 31;
          break;
        }
        case Code.LDXSH: { // ldxsh dst, [src + off]
          const s = (w >> 11) & 0x1e;
          const a = (R[s] as number) + (I[q + 1] as number);
          if (a < rs || a + 2 > re || R[s + 1] !== 0) {
            const r = runtime.checkRead(a, R[s + 1] as number, 2, p);
            rs = r.start;
            re = r.end;
          }
          const d = (w >> 7) & 0x1e;
          const v = dv.getInt16(a, true);
          R[d] = v;
          R[d + 1] = v >> 31;
          break;
        }
        case Code.LDXSW: { // ldxsw dst, [src + off]
          const s = (w >> 11) & 0x1e;
          const a = (R[s] as number) + (I[q + 1] as number);
          if (a < rs || a + 4 > re || R[s + 1] !== 0) {
            const r = runtime.checkRead(a, R[s + 1] as number, 4, p);
            rs = r.start;
            re = r.end;
          }
          const d = (w >> 7) & 0x1e;
          const v = dv.getInt32(a, true);
          R[d] = v;
          R[d + 1] = v >> 31;
          break;
        }

        // ---- stores: bounds- and permission-checked against the last writable region (ws/we) ----
        case Code.STXB: // stxb [dst + off], src
        case Code.STB: { // stb [dst + off], imm
          const b = (w >> 7) & 0x1e;
          const a = (R[b] as number) + (I[q + 1] as number);
          if (a < ws || a + 1 > we || R[b + 1] !== 0) {
            const r = runtime.checkWrite(a, R[b + 1] as number, 1, p);
            ws = r.start;
            we = r.end;
          }
          mem[a] = ((w & 0xff) === 0x73 ? R[((w >> 11) & 0x1e)] : I[q + 2]) as number;
          break;
        }
        case Code.STXH: // stxh [dst + off], src
        case Code.STH: { // sth [dst + off], imm
          const b = (w >> 7) & 0x1e;
          const a = (R[b] as number) + (I[q + 1] as number);
          if (a < ws || a + 2 > we || R[b + 1] !== 0) {
            const r = runtime.checkWrite(a, R[b + 1] as number, 2, p);
            ws = r.start;
            we = r.end;
          }
          dv.setInt16(a, ((w & 0xff) === 0x6b ? R[((w >> 11) & 0x1e)] : I[q + 2]) as number, true);
          break;
        }
        case Code.STXW: // stxw [dst + off], src
        case Code.STW: { // stw [dst + off], imm
          const b = (w >> 7) & 0x1e;
          const a = (R[b] as number) + (I[q + 1] as number);
          if (a < ws || a + 4 > we || R[b + 1] !== 0) {
            const r = runtime.checkWrite(a, R[b + 1] as number, 4, p);
            ws = r.start;
            we = r.end;
          }
          dv.setInt32(a, ((w & 0xff) === 0x63 ? R[((w >> 11) & 0x1e)] : I[q + 2]) as number, true);
          break;
        }
        case Code.STXDW: // stxdw [dst + off], src
        case Code.STDW: { // stdw [dst + off], imm
          const b = (w >> 7) & 0x1e;
          const a = (R[b] as number) + (I[q + 1] as number);
          if (a < ws || a + 8 > we || R[b + 1] !== 0) {
            const r = runtime.checkWrite(a, R[b + 1] as number, 8, p);
            ws = r.start;
            we = r.end;
          }
          if ((w & 0xff) === 0x7b) {
            const s = (w >> 11) & 0x1e;
            dv.setInt32(a, R[s] as number, true);
            dv.setInt32(a + 4, R[s + 1] as number, true);
          } else {
            dv.setInt32(a, I[q + 2] as number, true);
            dv.setInt32(a + 4, I[q + 3] as number, true);
          }
          break;
        }
        case Code.ATOMIC32: // atomic32 [dst + off], src
        case Code.ATOMIC64: { // atomic64 [dst + off], src
          atomic(runtime, R, p, (w & 0xff) === 0xdb, ((w >> 7) & 0x1e), ((w >> 11) & 0x1e), I[q + 1] as number, I[q + 2] as number);
          break;
        }

        // ---- unchecked loads and stores (variants): stack slots of this frame via r10, or proven safe ----
        case Code.LDXB_UNCHECKED: { // ldxb (unchecked)
          const d = (w >> 7) & 0x1e;
          R[d] = mem[(R[((w >> 11) & 0x1e)] as number) + (I[q + 1] as number)] as number;
          R[d + 1] = 0;
          break;
        }
        case Code.LDXH_UNCHECKED: { // ldxh (unchecked)
          const d = (w >> 7) & 0x1e;
          R[d] = dv.getUint16((R[((w >> 11) & 0x1e)] as number) + (I[q + 1] as number), true);
          R[d + 1] = 0;
          break;
        }
        case Code.LDXW_UNCHECKED: { // ldxw (unchecked)
          const d = (w >> 7) & 0x1e;
          R[d] = dv.getInt32((R[((w >> 11) & 0x1e)] as number) + (I[q + 1] as number), true);
          R[d + 1] = 0;
          break;
        }
        case Code.LDXDW_UNCHECKED: { // ldxdw (unchecked)
          const d = (w >> 7) & 0x1e;
          const a = (R[((w >> 11) & 0x1e)] as number) + (I[q + 1] as number);
          R[d] = dv.getInt32(a, true);
          R[d + 1] = dv.getInt32(a + 4, true);
          break;
        }
        // Unchecked stores still compare the address with the writable range (memory.ts), so an
        // unsound proof cannot write the context, the chunk, a read-only map or the helper frame.
        case Code.STXB_UNCHECKED: // stxb (unchecked)
        case Code.STB_UNCHECKED: { // stb (unchecked)
          const b = (w >> 7) & 0x1e;
          const a = (R[b] as number) + (I[q + 1] as number);
          if ((a - wStart) >>> 0 > wSpan - 1 || R[b + 1] !== 0) runtime.checkWrite(a, R[b + 1] as number, 1, p);
          mem[a] = ((w & 0xff) === 0xa0 ? R[((w >> 11) & 0x1e)] : I[q + 2]) as number;
          break;
        }
        case Code.STXH_UNCHECKED: // stxh (unchecked)
        case Code.STH_UNCHECKED: { // sth (unchecked)
          const b = (w >> 7) & 0x1e;
          const a = (R[b] as number) + (I[q + 1] as number);
          if ((a - wStart) >>> 0 > wSpan - 2 || R[b + 1] !== 0) runtime.checkWrite(a, R[b + 1] as number, 2, p);
          dv.setInt16(a, ((w & 0xff) === 0xa8 ? R[((w >> 11) & 0x1e)] : I[q + 2]) as number, true);
          break;
        }
        case Code.STXW_UNCHECKED: // stxw (unchecked)
        case Code.STW_UNCHECKED: { // stw (unchecked)
          const b = (w >> 7) & 0x1e;
          const a = (R[b] as number) + (I[q + 1] as number);
          if ((a - wStart) >>> 0 > wSpan - 4 || R[b + 1] !== 0) runtime.checkWrite(a, R[b + 1] as number, 4, p);
          dv.setInt32(a, ((w & 0xff) === 0xb0 ? R[((w >> 11) & 0x1e)] : I[q + 2]) as number, true);
          break;
        }
        case Code.STXDW_UNCHECKED: // stxdw (unchecked)
        case Code.STDW_UNCHECKED: { // stdw (unchecked)
          const b = (w >> 7) & 0x1e;
          const a = (R[b] as number) + (I[q + 1] as number);
          if ((a - wStart) >>> 0 > wSpan - 8 || R[b + 1] !== 0) runtime.checkWrite(a, R[b + 1] as number, 8, p);
          if ((w & 0xff) === 0xb8) {
            const s = (w >> 11) & 0x1e;
            dv.setInt32(a, R[s] as number, true);
            dv.setInt32(a + 4, R[s + 1] as number, true);
          } else {
            dv.setInt32(a, I[q + 2] as number, true);
            dv.setInt32(a + 4, I[q + 3] as number, true);
          }
          break;
        }

        // ---- jumps: aux holds the absolute target slot; a taken jump checks the budget ----
        case Code.JA: // ja
          pc = I[q + 1] as number;
          if (n > limit) throw new BudgetExceeded(p, limit);
          break;
        case Code.JEQ_K: { // jeq dst, imm
          const d = (w >> 7) & 0x1e;
          if (R[d] === I[q + 2] && R[d + 1] === I[q + 3]) {
            pc = I[q + 1] as number;
            if (n > limit) throw new BudgetExceeded(p, limit);
          }
          break;
        }
        case Code.JEQ_X: { // jeq dst, src
          const d = (w >> 7) & 0x1e;
          const s = (w >> 11) & 0x1e;
          if (R[d] === R[s] && R[d + 1] === R[s + 1]) {
            pc = I[q + 1] as number;
            if (n > limit) throw new BudgetExceeded(p, limit);
          }
          break;
        }
        case Code.JNE_K: { // jne dst, imm
          const d = (w >> 7) & 0x1e;
          if (R[d] !== I[q + 2] || R[d + 1] !== I[q + 3]) {
            pc = I[q + 1] as number;
            if (n > limit) throw new BudgetExceeded(p, limit);
          }
          break;
        }
        case Code.JNE_X: { // jne dst, src
          const d = (w >> 7) & 0x1e;
          const s = (w >> 11) & 0x1e;
          if (R[d] !== R[s] || R[d + 1] !== R[s + 1]) {
            pc = I[q + 1] as number;
            if (n > limit) throw new BudgetExceeded(p, limit);
          }
          break;
        }
        case Code.JSET_K: { // jset dst, imm
          const d = (w >> 7) & 0x1e;
          if (((R[d] as number) & (I[q + 2] as number)) !== 0 || ((R[d + 1] as number) & (I[q + 3] as number)) !== 0) {
            pc = I[q + 1] as number;
            if (n > limit) throw new BudgetExceeded(p, limit);
          }
          break;
        }
        case Code.JSET_X: { // jset dst, src
          const d = (w >> 7) & 0x1e;
          const s = (w >> 11) & 0x1e;
          if (((R[d] as number) & (R[s] as number)) !== 0 || ((R[d + 1] as number) & (R[s + 1] as number)) !== 0) {
            pc = I[q + 1] as number;
            if (n > limit) throw new BudgetExceeded(p, limit);
          }
          break;
        }
        // jgt gets cases of its own: clang emits it for every bounds check (p + n > data_end).
        case Code.JGT_K: { // jgt dst, imm
          const d = (w >> 7) & 0x1e;
          const ah = (R[d + 1] as number) >>> 0;
          const bh = (I[q + 3] as number) >>> 0;
          if (ah > bh || (ah === bh && (R[d] as number) >>> 0 > (I[q + 2] as number) >>> 0)) {
            pc = I[q + 1] as number;
            if (n > limit) throw new BudgetExceeded(p, limit);
          }
          break;
        }
        case Code.JGT_X: { // jgt dst, src
          const d = (w >> 7) & 0x1e;
          const s = (w >> 11) & 0x1e;
          const ah = (R[d + 1] as number) >>> 0;
          const bh = (R[s + 1] as number) >>> 0;
          if (ah > bh || (ah === bh && (R[d] as number) >>> 0 > (R[s] as number) >>> 0)) {
            pc = I[q + 1] as number;
            if (n > limit) throw new BudgetExceeded(p, limit);
          }
          break;
        }
        case Code.JGE_K: // jge dst, imm
        case Code.JGE_X: // jge dst, src
        case Code.JLT_K: // jlt dst, imm
        case Code.JLT_X: // jlt dst, src
        case Code.JLE_K: // jle dst, imm
        case Code.JLE_X: { // jle dst, src
          // Unsigned 64-bit order: high halves as unsigned, then low halves as unsigned.
          const op = (w & 0xff);
          const d = (w >> 7) & 0x1e;
          const byReg = (op & 0x08) !== 0;
          const s = (w >> 11) & 0x1e;
          const ah = (R[d + 1] as number) >>> 0;
          const bh = ((byReg ? R[s + 1] : I[q + 3]) as number) >>> 0;
          const al = (R[d] as number) >>> 0;
          const bl = ((byReg ? R[s] : I[q + 2]) as number) >>> 0;
          const order = ah !== bh ? (ah > bh ? 1 : -1) : al !== bl ? (al > bl ? 1 : -1) : 0;
          const kind = op & 0xf0;
          if (kind === 0x30 ? order >= 0 : kind === 0xa0 ? order < 0 : order <= 0) {
            pc = I[q + 1] as number;
            if (n > limit) throw new BudgetExceeded(p, limit);
          }
          break;
        }
        case Code.JSGT_K: // jsgt dst, imm
        case Code.JSGT_X: // jsgt dst, src
        case Code.JSGE_K: // jsge dst, imm
        case Code.JSGE_X: // jsge dst, src
        case Code.JSLT_K: // jslt dst, imm
        case Code.JSLT_X: // jslt dst, src
        case Code.JSLE_K: // jsle dst, imm
        case Code.JSLE_X: { // jsle dst, src
          // Signed 64-bit order: high halves as signed, then low halves as unsigned.
          const op = (w & 0xff);
          const d = (w >> 7) & 0x1e;
          const byReg = (op & 0x08) !== 0;
          const s = (w >> 11) & 0x1e;
          const ah = R[d + 1] as number;
          const bh = (byReg ? R[s + 1] : I[q + 3]) as number;
          const al = (R[d] as number) >>> 0;
          const bl = ((byReg ? R[s] : I[q + 2]) as number) >>> 0;
          const order = ah !== bh ? (ah > bh ? 1 : -1) : al !== bl ? (al > bl ? 1 : -1) : 0;
          const kind = op & 0xf0;
          if (kind === 0x60 ? order > 0 : kind === 0x70 ? order >= 0 : kind === 0xc0 ? order < 0 : order <= 0) {
            pc = I[q + 1] as number;
            if (n > limit) throw new BudgetExceeded(p, limit);
          }
          break;
        }
        case Code.JEQ32_K: // jeq32
        case Code.JEQ32_X:
        case Code.JNE32_K: // jne32
        case Code.JNE32_X:
        case Code.JSET32_K: // jset32
        case Code.JSET32_X:
        case Code.JGT32_K: // jgt32
        case Code.JGT32_X:
        case Code.JGE32_K: // jge32
        case Code.JGE32_X:
        case Code.JLT32_K: // jlt32
        case Code.JLT32_X:
        case Code.JLE32_K: // jle32
        case Code.JLE32_X:
        case Code.JSGT32_K: // jsgt32
        case Code.JSGT32_X:
        case Code.JSGE32_K: // jsge32
        case Code.JSGE32_X:
        case Code.JSLT32_K: // jslt32
        case Code.JSLT32_X:
        case Code.JSLE32_K: // jsle32
        case Code.JSLE32_X: {
          const op = (w & 0xff);
          const a = R[((w >> 7) & 0x1e)] as number;
          const b = ((op & 0x08) !== 0 ? R[((w >> 11) & 0x1e)] : I[q + 2]) as number;
          if (compare32(op & 0xf0, a, b)) {
            pc = I[q + 1] as number;
            if (n > limit) throw new BudgetExceeded(p, limit);
          }
          break;
        }

        // ---- calls and exit ----
        case Code.CALL_LOOKUP: { // call map_lookup_elem (variant): number fast path, no helper frame
          if (R[3] !== 0 || R[5] !== 0) {
            this.executed = n;
            this.depth = depth;
            callHelper(runtime, R, 1, p, this.invoke);
            n = this.executed + runtime.takeCharge();
          } else {
            R[0] = runtime.mapLookup(R[2] as number, R[4] as number, p);
            R[1] = 0;
          }
          break;
        }
        case Code.CALL: // call helper imm
          this.executed = n;
          this.depth = depth;
          callHelper(runtime, R, I[q + 2] as number, p, this.invoke);
          n = this.executed + runtime.takeCharge(); // helpers that copy or format are charged for it
          break;
        case Code.CALLX: { // callx dst: the helper whose id is in dst
          const d = (w >> 7) & 0x1e;
          const id = R[d] as number;
          if (R[d + 1] !== 0 || !runtime.isHelper(id)) throw new UnknownHelper(p, (R[d + 1] as number) * TWO_32 + (id >>> 0));
          this.executed = n;
          this.depth = depth;
          callHelper(runtime, R, id, p, this.invoke);
          n = this.executed + runtime.takeCharge();
          break;
        }
        case Code.CALL_LOCAL: { // call local (variant): push r6..r9 and the return slot, enter a new 512-byte frame
          if (depth + 1 >= MAX_FRAMES) throw new CallDepthExceeded(p, MAX_FRAMES);
          if (n > limit) throw new BudgetExceeded(p, limit);
          const saved = this.saved;
          const at = depth * SAVED_WORDS;
          saved[at] = R[12] as number;
          saved[at + 1] = R[13] as number;
          saved[at + 2] = R[14] as number;
          saved[at + 3] = R[15] as number;
          saved[at + 4] = R[16] as number;
          saved[at + 5] = R[17] as number;
          saved[at + 6] = R[18] as number;
          saved[at + 7] = R[19] as number;
          saved[at + 8] = pc;
          depth++;
          R[20] = STACK_TOP - depth * FRAME_SIZE;
          pc = I[q + 1] as number;
          break;
        }
        case Code.EXIT: { // exit
          if (depth === base) {
            this.executed = n;
            if (n > limit) throw new BudgetExceeded(p, limit);
            return;
          }
          depth--;
          const saved = this.saved;
          const at = depth * SAVED_WORDS;
          R[12] = saved[at] as number;
          R[13] = saved[at + 1] as number;
          R[14] = saved[at + 2] as number;
          R[15] = saved[at + 3] as number;
          R[16] = saved[at + 4] as number;
          R[17] = saved[at + 5] as number;
          R[18] = saved[at + 6] as number;
          R[19] = saved[at + 7] as number;
          pc = saved[at + 8] as number;
          R[20] = STACK_TOP - depth * FRAME_SIZE;
          break;
        }
        default:
          if ((w & 0xff) === Code.AUDITED && this.auditor) {
            this.auditor.access(R, p, depth);
            break;
          }
          if ((w & 0xff) === Code.UNWALKED && this.auditor) this.auditor.unwalked(p);
          // preflight and decode accept only the opcodes above; reaching here is a decoder bug.
          throw new InvalidProgram(p, `the interpreter has no case for decoded code 0x${((w & 0xff)).toString(16)}`);
      }
    }
  }
}
