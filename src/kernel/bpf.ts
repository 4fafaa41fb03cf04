// The Linux kernel as an eBPF engine: is it usable here, load a ProgramSpec with its maps, test-run it on data.
import { encode, type Instruction } from '../asm/instruction.js';
import { LDDW, PseudoSrc } from '../asm/opcodes.js';
import type { ProgramSpec } from '../asm/program.js';
import { KernelError, KernelVerifierError } from './errors.js';
import { funcInfo, functionStarts, FUNC_INFO_RECORD_BYTES } from './funcinfo.js';
import { libc, type NativeMemory } from './libc.js';
import { KernelMap } from './map.js';
import { Attr, bpf, bpfRaw, Cmd, nativeLibc, syscallNumber } from './syscall.js';
import { XDP_TEST_RUN_MAX_LINEAR } from '../asm/limits.js';

export { KernelError, KernelUnavailableError, KernelVerifierError } from './errors.js';
export { KernelMap, UpdateFlag } from './map.js';

/** KernelAvailability says whether loadKernelProgram can work in this process, and if not, why. */
export type KernelAvailability = { ok: true } | { ok: false; reason: string };

/** KernelProgramType is the program type Sluice loads as: XDP (the storage hook's model) or a socket filter. */
export type KernelProgramType = 'xdp' | 'socket_filter';

/** LoadOptions: program type and verifier log level (0: errors and statistics only, 1: per instruction, 2: with states). */
export interface LoadOptions {
  readonly type: KernelProgramType;
  readonly logLevel?: 0 | 1 | 2;
  /** Find a refusal's insn #N by verifying once more with an instruction trace (default true; campaigns turn it off for speed). */
  readonly locate?: boolean;
}

/** KernelProgram is a loaded program: its fd, the maps created for it (in spec.maps order) and the verifier's log. */
export interface KernelProgram {
  readonly fd: number;
  readonly maps: KernelMap[];
  readonly log: string;
  /** Instructions the verifier processed ("processed N insns" in the log); undefined if the log lacks the line. */
  readonly processedInsns: number | undefined;
  /** The verifier's own time in microseconds ("verification time N usec" in the log); undefined if the log lacks the line. */
  readonly verificationMicros: number | undefined;
  /** close releases the program's and its maps' file descriptors. */
  close(): void;
}

/** TestRunResult is one BPF_PROG_TEST_RUN: the program's return value and the kernel's mean time per run. */
export interface TestRunResult {
  readonly retval: number;
  readonly durationNs: number;
}

const PROG_TYPE: Record<KernelProgramType, number> = { socket_filter: 1, xdp: 6 };
/** BPF_LOG_STATS adds the "processed N insns" statistics line; it is always requested. BPF_LOG_LEVEL1 traces instructions. */
const BPF_LOG_STATS = 4;
const BPF_LOG_LEVEL1 = 1;
const BPF_LOG_LEVEL2 = 2;
const ENOSPC = 28;
const EINVAL = 22;
/**
 * LOCATE_MAX_PROCESSED bounds the second, traced verification that finds a refused program's insn #N:
 * beyond this many processed instructions (a program refused as too complex) tracing costs seconds.
 */
const LOCATE_MAX_PROCESSED = 50_000;
/** Log buffer sizes: small when only errors and statistics are asked for, large for per-instruction logs. */
const STATS_LOG_BYTES = 1 << 20;
const FULL_LOG_BYTES = 16 << 20;
/** MAX_LOG_BYTES is the kernel's own limit on log_size (UINT_MAX >> 2). */
const MAX_LOG_BYTES = 0x3fffffff;

/**
 * XDP_TEST_RUN_BYTES: the kernel's XDP test run wants at least an Ethernet header (14 bytes) of
 * data and puts at most 4096 - 256 (headroom) - 320 (skb_shared_info) = 3,520 bytes in the linear
 * buffer the program sees through data/data_end; anything beyond goes to fragments it cannot read.
 */
export const XDP_TEST_RUN_BYTES = { min: 14, maxLinear: XDP_TEST_RUN_MAX_LINEAR } as const;

let availability: KernelAvailability | undefined;
/** loadedTypes remembers the type of each open program fd, so testRun can refuse data XDP would cut short. */
const loadedTypes = new Map<number, KernelProgramType>();

/**
 * kernelAvailability probes once (then caches) whether this process can load and run eBPF in
 * the kernel: Linux, a known bpf() system call number, koffi able to bind libc, and a trivial XDP
 * program (r0 = XDP_PASS; exit) accepted by BPF_PROG_LOAD (root or CAP_BPF + CAP_NET_ADMIN).
 */
export function kernelAvailability(): KernelAvailability {
  availability ??= probe();
  return availability;
}

function probe(): KernelAvailability {
  if (process.platform !== 'linux') return { ok: false, reason: `the kernel engine needs Linux (this is ${process.platform})` };
  if (syscallNumber() === undefined) return { ok: false, reason: `the bpf() system call number is unknown for ${process.arch}` };
  const c = libc();
  if (c instanceof Error) return { ok: false, reason: `koffi cannot bind libc.so.6: ${c.message}` };
  try {
    const program = loadKernelProgram(
      { name: 'sluice_probe', section: 'xdp', license: 'GPL', maps: [], insns: [{ opcode: 0xb7, dst: 0, src: 0, offset: 0, imm: 2 }, { opcode: 0x95, dst: 0, src: 0, offset: 0, imm: 0 }] },
      { type: 'xdp' },
    );
    program.close();
    return { ok: true };
  } catch (err) {
    const root = process.getuid?.() === 0 ? '' : ' (not running as root)';
    return { ok: false, reason: `the kernel refused a trivial XDP program${root}: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/**
 * loadKernelProgram creates spec.maps in the kernel (global data filled, .rodata frozen), patches
 * every map lddw with the map's fd, and loads the program with BPF_PROG_LOAD, growing the log
 * buffer when the kernel says ENOSPC. Sub-programs get the minimal BTF func_info the kernel
 * requires. Throws KernelVerifierError when the verifier refuses the program, with the log and the
 * failing insn #N (at logLevel 0 found by verifying once more with an instruction trace, unless
 * the refusal took over LOCATE_MAX_PROCESSED instructions or `locate` is false), and KernelError for any other failed
 * call; nothing stays open after a failure.
 */
export function loadKernelProgram(spec: ProgramSpec, opts: LoadOptions): KernelProgram {
  const maps: KernelMap[] = [];
  const native: NativeMemory[] = [];
  let btfFd = -1;
  const c = nativeLibc();
  try {
    for (const m of spec.maps) maps.push(KernelMap.create(m));
    const code = encode(withMapFds(spec, maps));
    const insns = keep(native, c.alloc(code.length), code);
    const license = keep(native, c.alloc(spec.license.length + 1), Uint8Array.from(spec.license + '\0', (ch) => ch.charCodeAt(0) & 0xff));
    const attr = new Attr()
      .u32(0, PROG_TYPE[opts.type])
      .u32(4, code.length / 8)
      .u64(8, insns.address)
      .u64(16, license.address)
      .name(48, spec.name);
    const starts = functionStarts(spec.insns);
    if (starts.length > 1) {
      const info = funcInfo(spec.name, starts);
      const blob = keep(native, c.alloc(info.btf.length), info.btf);
      btfFd = bpf(Cmd.BTF_LOAD, new Attr().u64(0, blob.address).u32(16, info.btf.length), `BPF_BTF_LOAD for program '${spec.name}'`);
      const records = keep(native, c.alloc(info.records.length), info.records);
      attr.u32(72, btfFd).u32(76, FUNC_INFO_RECORD_BYTES).u64(80, records.address).u32(88, info.count);
    }
    let level = (opts.logLevel ?? 0) | BPF_LOG_STATS;
    let size = opts.logLevel ? FULL_LOG_BYTES : STATS_LOG_BYTES;
    let refusal: { errno: number; code: string; log: string } | undefined;
    for (;;) {
      const log = c.alloc(size);
      try {
        attr.u32(24, level).u32(28, size).u64(32, log.address);
        const result = bpfRaw(Cmd.PROG_LOAD, attr);
        const text = logText(log.bytes);
        if (typeof result === 'number') {
          loadedTypes.set(result, opts.type);
          return program(result, maps, text, () => {
            loadedTypes.delete(result);
            c.close(result);
          });
        }
        if (refusal) {
          // Second pass, for the location only: the rotating log keeps its tail even when truncated.
          throw new KernelVerifierError(spec.name, refusal.errno, refusal.code, text || refusal.log, failingInsn(text));
        }
        if (result.errno === ENOSPC && size < MAX_LOG_BYTES) {
          size = Math.min(MAX_LOG_BYTES, Math.max(size * 4, attr.get32(140) + 1));
          continue;
        }
        if (text === '') throw new KernelError(`BPF_PROG_LOAD of program '${spec.name}'`, result.errno, result.code);
        if (opts.locate !== false && (level & (BPF_LOG_LEVEL1 | BPF_LOG_LEVEL2)) === 0 && (processedInsns(text) ?? 0) < LOCATE_MAX_PROCESSED) {
          // Errors-only logs do not say which instruction failed; verify once more with an instruction trace.
          refusal = { errno: result.errno, code: result.code, log: text };
          level = BPF_LOG_LEVEL1 | BPF_LOG_STATS;
          size = FULL_LOG_BYTES;
          continue;
        }
        throw new KernelVerifierError(spec.name, result.errno, result.code, text, failingInsn(text));
      } finally {
        log.free();
      }
    }
  } catch (err) {
    for (const m of maps) m.close();
    throw err;
  } finally {
    if (btfFd >= 0) c.close(btfFd);
    for (const m of native) m.free();
  }
}

/** failingInsn returns the slot of the last instruction an instruction-trace log shows ("12: (bf) r0 = r2"). */
function failingInsn(log: string): number | undefined {
  const matches = [...log.matchAll(/^(\d+): \([0-9a-f]{2}\)/gm)];
  const last = matches[matches.length - 1];
  return last ? Number(last[1]) : undefined;
}

/** processedInsns reads "processed N insns" from a verifier log. */
function processedInsns(log: string): number | undefined {
  const processed = /processed (\d+) insns/.exec(log);
  return processed ? Number(processed[1]) : undefined;
}

/** verificationMicros reads "verification time N usec" from a verifier log. */
function verificationMicros(log: string): number | undefined {
  const time = /verification time (\d+) usec/.exec(log);
  return time ? Number(time[1]) : undefined;
}

function program(fd: number, maps: KernelMap[], log: string, closeFd: () => void): KernelProgram {
  let open = true;
  return {
    fd,
    maps,
    log,
    processedInsns: processedInsns(log),
    verificationMicros: verificationMicros(log),
    close() {
      if (!open) return;
      open = false;
      closeFd();
      for (const m of maps) m.close();
    },
  };
}

/** withMapFds rewrites MAP_FD and MAP_VALUE lddw immediates from map indexes to the kernel maps' fds. */
function withMapFds(spec: ProgramSpec, maps: readonly KernelMap[]): Instruction[] {
  let slot = 0;
  return spec.insns.map((insn) => {
    const here = slot;
    slot += insn.opcode === LDDW ? 2 : 1;
    if (insn.opcode !== LDDW || (insn.src !== PseudoSrc.MAP_FD && insn.src !== PseudoSrc.MAP_VALUE)) return insn;
    const map = maps[insn.imm];
    if (!map) {
      throw new KernelError(`BPF_PROG_LOAD of program '${spec.name}'`, EINVAL, 'EINVAL', `insn #${here} refers to map #${insn.imm}, which the spec does not have`);
    }
    return { ...insn, imm: map.fd };
  });
}

function keep(list: NativeMemory[], memory: NativeMemory, contents: Uint8Array): NativeMemory {
  list.push(memory);
  memory.bytes.set(contents);
  return memory;
}

function logText(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return Buffer.from(bytes.buffer, bytes.byteOffset, end < 0 ? bytes.length : end).toString('utf8');
}

let dataBuffer: NativeMemory | undefined;

/**
 * testRun runs a loaded program on `data` with BPF_PROG_TEST_RUN, `repeat` times in a row inside
 * the kernel (default 1). For XDP, data must hold XDP_TEST_RUN_BYTES.min..maxLinear bytes to be
 * fully visible to the program (more is refused here rather than silently cut by the kernel).
 * `durationNs` is the kernel's mean time per run. Cost: with repeat > 1 the kernel installs an XDP
 * program in its dispatcher for the call and removes it after, waiting for an RCU grace period each
 * time (about 20 ms per call on a busy 2-core machine); repeat = 1 skips that (tens of microseconds).
 * So: repeat = 1 for many chunks, a large repeat to time the JIT. Throws KernelError when refused.
 */
export function testRun(fd: number, data: Uint8Array, repeat = 1): TestRunResult {
  const c = nativeLibc();
  if (loadedTypes.get(fd) === 'xdp' && data.length > XDP_TEST_RUN_BYTES.maxLinear) {
    throw new KernelError(
      `BPF_PROG_TEST_RUN of program fd ${fd}`,
      EINVAL,
      'EINVAL',
      `${data.length} bytes of data: an XDP program sees only the first ${XDP_TEST_RUN_BYTES.maxLinear} in a test run, so the answer would be wrong`,
    );
  }
  if (!dataBuffer || dataBuffer.bytes.length < data.length) {
    dataBuffer?.free();
    dataBuffer = c.alloc(Math.max(data.length, 4096));
  }
  dataBuffer.bytes.set(data);
  const attr = new Attr().u32(0, fd).u32(8, data.length).u64(16, dataBuffer.address).u32(32, repeat);
  const result = bpfRaw(Cmd.PROG_TEST_RUN, attr);
  if (typeof result !== 'number') {
    const hint =
      result.errno === EINVAL && data.length < XDP_TEST_RUN_BYTES.min
        ? `the kernel's test run needs at least ${XDP_TEST_RUN_BYTES.min} bytes of data, got ${data.length}`
        : undefined;
    throw new KernelError(`BPF_PROG_TEST_RUN of program fd ${fd}`, result.errno, result.code, hint);
  }
  return { retval: attr.get32(4), durationNs: attr.get32(36) };
}

/** XDP_MD_BYTES is the size of struct xdp_md, the context an XDP test run takes in ctx_in. */
const XDP_MD_BYTES = 24;
let chunkData: NativeMemory | undefined;
let chunkContext: NativeMemory | undefined;

/**
 * testRunChunk runs a loaded XDP program once on `chunk` with BPF_PROG_TEST_RUN and returns its
 * return value; the program sees exactly the chunk between data and data_end, whatever its length
 * (0, the end-of-file flush, included). The test run wants at least XDP_TEST_RUN_BYTES.min bytes of
 * data, so a shorter chunk is followed by zero bytes up to that minimum, and ctx_in's data_end says
 * where the chunk ends: the kernel keeps [data, data_end) in the linear buffer the program reads and
 * puts the padding in a fragment, which only the xdp_load_bytes helpers could reach (Sluice's
 * programs cannot: Sluice offers no such helper). Linux accepts a data_end short of the data since
 * 6.18; an older kernel refuses such a chunk with EINVAL, and this says so. A chunk the linear buffer
 * cannot hold whole is refused rather than cut.
 */
export function testRunChunk(fd: number, chunk: Uint8Array): number {
  const c = nativeLibc();
  if (chunk.length > XDP_TEST_RUN_BYTES.maxLinear) {
    throw new KernelError(
      `BPF_PROG_TEST_RUN of program fd ${fd}`,
      EINVAL,
      'EINVAL',
      `a chunk of ${chunk.length} bytes: an XDP program sees only the first ${XDP_TEST_RUN_BYTES.maxLinear} in a test run, so the answer would be wrong`,
    );
  }
  const size = Math.max(chunk.length, XDP_TEST_RUN_BYTES.min);
  chunkData ??= c.alloc(XDP_TEST_RUN_BYTES.maxLinear);
  chunkContext ??= c.alloc(XDP_MD_BYTES);
  chunkData.bytes.set(chunk, 0);
  chunkData.bytes.fill(0, chunk.length, size);
  const context = new DataView(chunkContext.bytes.buffer, chunkContext.bytes.byteOffset, XDP_MD_BYTES);
  for (let at = 0; at < XDP_MD_BYTES; at += 4) context.setUint32(at, 0, true);
  context.setUint32(4, chunk.length, true); // data_end: the chunk's end (data = 0, no metadata)
  const attr = new Attr()
    .u32(0, fd)
    .u32(8, size)
    .u64(16, chunkData.address)
    .u32(32, 1)
    .u32(40, XDP_MD_BYTES)
    .u64(48, chunkContext.address);
  const result = bpfRaw(Cmd.PROG_TEST_RUN, attr);
  if (typeof result !== 'number') {
    const hint =
      result.errno === EINVAL && chunk.length < XDP_TEST_RUN_BYTES.min
        ? `a chunk of ${chunk.length} bytes: this kernel's XDP test run takes no data_end short of its ${XDP_TEST_RUN_BYTES.min}-byte minimum (Linux 6.18 does)`
        : undefined;
    throw new KernelError(`BPF_PROG_TEST_RUN of program fd ${fd}`, result.errno, result.code, hint);
  }
  return attr.get32(4);
}
