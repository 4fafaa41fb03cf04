// The runtime one loaded program runs in: address space, maps, helper functions, trace output and budget.
import { HELPERS, HelperId } from '../asm/helpers.js';
import type { MapSpec } from '../asm/program.js';
import { BudgetExceeded, InvalidHelperArgument, OutOfBoundsAccess, UnknownHelper, WriteToReadOnly } from './errors.js';
import { formatTrace, Xorshift32 } from './helpers.js';
import { type BpfMap, checkMapSpecs, createMap, Errno, MapError } from './maps.js';
import { AddressSpace, HELPER_FRAME, type Region } from './memory.js';

/** MAP_HANDLE_BASE + i is what `lddw rX, map i` (PseudoSrc.MAP_FD) loads; it is never a valid address. */
export const MAP_HANDLE_BASE = 0xf000_0000;
/** FUNC_HANDLE_BASE + slot is what `lddw rX, func` (PseudoSrc.FUNC) loads: a callback for bpf_loop. */
export const FUNC_HANDLE_BASE = 0xe000_0000;
/** DEFAULT_BUDGET is the default number of instructions one run may execute. */
export const DEFAULT_BUDGET = 1_000_000;
/** MAX_LOOPS is the largest nr_loops bpf_loop accepts (1 << 23, as Linux). */
export const MAX_LOOPS = 1 << 23;
/** BYTES_PER_UNIT: helpers are charged one instruction per 8 bytes they copy, scan or format (an 8-byte load's worth). */
export const BYTES_PER_UNIT = 8;
/** TRACE_LINE_BYTES bounds one trace_printk: format and %s strings are read, and output kept, up to 1,023 bytes (Linux's 1 KiB buffer). */
export const TRACE_LINE_BYTES = 1023;
/** DEFAULT_TRACE_BYTES is how much trace output one runtime (one tenant) keeps before dropping lines (64 KiB). */
export const DEFAULT_TRACE_BYTES = 64 * 1024;

/** RuntimeOptions configure a Runtime; every field has a deterministic default except the clock. */
export interface RuntimeOptions {
  /** Seed of get_prandom_u32 (default 1). */
  readonly seed?: number;
  /** Instructions one run may execute, callbacks included (default 1,000,000). */
  readonly budget?: number;
  /** Source of ktime_get_ns (default process.hrtime.bigint). */
  readonly clock?: () => bigint;
  /** Let programs write the input region (conformance tests do). Default false. */
  readonly writableInput?: boolean;
  /** Bytes the maps may take in all (default DEFAULT_MAP_MEMORY); more is refused naming the map. */
  readonly mapMemory?: number;
  /** Trace output kept over the runtime's life (default DEFAULT_TRACE_BYTES); later lines are counted in `traceDropped`. */
  readonly traceBytes?: number;
  /** Reserve two read blocks of this many bytes, where the host reads file data the program sees without a copy (AddressSpace.pointInput). */
  readonly readBlockBytes?: number;
}

/**
 * CallbackInvoker runs the sub-program starting at `slot` in a new frame with r1 = index and
 * r2 = the context pointer (lo, hi halves), and returns r0's low and high halves OR-ed (0 = go on).
 * `callerSlot` is the slot of the helper call, for errors. Engines pass one to `Runtime.call`.
 */
export type CallbackInvoker = (slot: number, index: number, contextLo: number, contextHi: number, callerSlot: number) => number;

/** HelperFrameIndex: the Int32Array index of r0's low half in the helper frame (r_k at +2k, +2k+1). */
export const HELPER_FRAME_INDEX = HELPER_FRAME >> 2;

/**
 * Runtime owns one program instance's state. Engines call helpers through a number-based
 * interface so the hot path allocates nothing:
 *
 * - `call(id, slot, callback?)`: the engine first writes r1..r5 into the helper frame
 *   (`HELPER_FRAME` in memory.ts: u64 little-endian at +8 .. +40, or `frame` here as i32
 *   halves), then reads r0 from +0. Every helper goes this way; the JIT can store the
 *   arguments with i64.store into the shared memory and import `call`.
 * - `mapLookup(handle, keyAddress, slot)`: the map_lookup_elem fast path with 32-bit
 *   arguments (pointers fit in 32 bits); returns the value address or 0.
 *
 * Helpers that copy, scan or format many bytes are charged for it: one instruction per
 * BYTES_PER_UNIT bytes, added to the run's instruction count by the engine right after the call
 * (`takeCharge`). A helper refuses work that would take the run's charges past the budget, so
 * host work per run stays bounded by the budget even in one call. Lookups are not charged:
 * their keys are at most MAX_HASH_KEY_SIZE bytes, like a handful of instructions.
 */
export class Runtime {
  readonly space: AddressSpace;
  readonly maps: readonly BpfMap[];
  readonly budget: number;
  /** Lines printed by trace_printk during the current run. */
  readonly trace: string[] = [];
  /** trace_printk lines dropped because the runtime's trace output reached its limit (over its whole life). */
  traceDropped = 0;
  /** The helper frame as i32 halves: r_k low half at HELPER_FRAME_INDEX + 2k, high half next. */
  readonly frame: Int32Array;
  private readonly clock: () => bigint;
  private readonly random: Xorshift32;
  private readonly traceLimit: number;
  private traceKept = 0;
  /** Instructions charged to helpers in the current run, and the part engines have not yet added to their count. */
  private charged = 0;
  private pendingCharge = 0;

  constructor(specs: readonly MapSpec[], options: RuntimeOptions = {}) {
    checkMapSpecs(specs, options.mapMemory);
    this.space = new AddressSpace({ writableInput: options.writableInput ?? false });
    // Writable maps first: the address space keeps everything writable in one range (memory.ts).
    const maps: BpfMap[] = [];
    for (const readOnly of [false, true]) {
      specs.forEach((spec, index) => {
        if ((spec.readOnly ?? false) === readOnly) maps[index] = createMap(spec, index, this.space);
      });
    }
    this.maps = maps;
    // Reserve host scratch for the map API now, so memory never grows after loading.
    this.space.hostScratch(Math.max(8, ...specs.map((s) => s.keySize + s.valueSize)));
    if (options.readBlockBytes) this.space.reserveReadBlocks(2, options.readBlockBytes);
    this.budget = options.budget ?? DEFAULT_BUDGET;
    this.clock = options.clock ?? process.hrtime.bigint;
    this.random = new Xorshift32(options.seed ?? 1);
    this.traceLimit = options.traceBytes ?? DEFAULT_TRACE_BYTES;
    this.frame = new Int32Array(this.space.memory.buffer);
  }

  /** map returns the map named `name`; throws MapError when there is none. */
  map(name: string): BpfMap {
    const found = this.maps.find((m) => m.name === name);
    if (!found) throw new MapError(`no map named "${name}" (maps: ${this.maps.map((m) => m.name).join(', ') || 'none'})`);
    return found;
  }

  /** beginRun resets per-run state (the trace lines, helper charges); engines call it at the start of every run. */
  beginRun(): void {
    // Setting an array's length costs about 0.1 µs even when it is 0 already: once per chunk, that was a fifth of the hook's own overhead.
    if (this.trace.length !== 0) this.trace.length = 0;
    this.charged = 0;
    this.pendingCharge = 0;
  }

  /** takeCharge returns the instructions helpers were charged since the last take; engines add them to their count. */
  takeCharge(): number {
    const units = this.pendingCharge;
    this.pendingCharge = 0;
    return units;
  }

  /** charge bills the helper at `slot` for touching `bytes` bytes, refusing work past the budget. */
  private charge(bytes: number, slot: number): void {
    const units = Math.ceil(bytes / BYTES_PER_UNIT);
    if (this.charged + units > this.budget) throw new BudgetExceeded(slot, this.budget);
    this.charged += units;
    this.pendingCharge += units;
  }

  /** mapHandle is the value `lddw MAP_FD index` loads. */
  mapHandle(index: number): number {
    return MAP_HANDLE_BASE + index;
  }

  /** mapValueAddress is the value `lddw MAP_VALUE index, offset` loads: a pointer into the map's entry 0. */
  mapValueAddress(index: number, offset: number, slot: number): number {
    const map = this.maps[index];
    if (!map) throw new InvalidHelperArgument(slot, `lddw refers to map #${index}, but the program has ${this.maps.length} maps`);
    return map.region.start + offset;
  }

  /** isHelper says whether a helper id is implemented. */
  isHelper(id: number): boolean {
    return HELPERS.has(id);
  }

  /** mapLookup is map_lookup_elem with number arguments: the value's address, or 0 when absent. */
  mapLookup(handle: number, keyAddress: number, slot: number): number {
    const map = this.mapOf(handle, 0, slot);
    this.checkRead(keyAddress, 0, map.spec.keySize, slot);
    return map.lookupAt(keyAddress);
  }

  /**
   * call runs helper `id` with r1..r5 from the helper frame and leaves r0 there. `slot` names
   * the calling instruction in errors; `callback` re-enters the engine for bpf_loop.
   */
  call(id: number, slot: number, callback?: CallbackInvoker): void {
    const f = this.frame;
    const at = HELPER_FRAME_INDEX;
    switch (id) {
      case HelperId.map_lookup_elem:
        return this.setResult(this.mapLookup(this.handleArg(1, slot), this.pointerArg(2, slot), slot), 0);
      case HelperId.map_update_elem: {
        const map = this.mapOf(f[at + 2] as number, f[at + 3] as number, slot);
        const key = this.pointerArg(2, slot);
        const value = this.pointerArg(3, slot);
        this.checkRead(key, 0, map.spec.keySize, slot);
        this.checkRead(value, 0, map.spec.valueSize, slot);
        this.charge(map.spec.keySize + map.spec.valueSize, slot);
        const flags = f[at + 9] === 0 ? (f[at + 8] as number) : -1;
        return this.setSigned(map.updateAt(key, value, flags));
      }
      case HelperId.map_delete_elem: {
        const map = this.mapOf(f[at + 2] as number, f[at + 3] as number, slot);
        const key = this.pointerArg(2, slot);
        this.checkRead(key, 0, map.spec.keySize, slot);
        return this.setSigned(map.deleteAt(key));
      }
      case HelperId.ktime_get_ns: {
        const now = BigInt.asUintN(64, this.clock());
        return this.setResult(Number(now & 0xffff_ffffn), Number(now >> 32n));
      }
      case HelperId.trace_printk:
        return this.setSigned(this.tracePrintk(slot));
      case HelperId.get_prandom_u32:
        return this.setResult(this.random.next(), 0);
      case HelperId.get_smp_processor_id:
        return this.setResult(0, 0);
      case HelperId.probe_read_kernel:
        return this.setSigned(this.probeReadKernel(slot));
      case HelperId.loop:
        return this.setSigned(this.loop(slot, callback));
      default:
        throw new UnknownHelper(slot, id);
    }
  }

  /**
   * checkRead throws OutOfBoundsAccess unless [address, address + size) (address given as
   * 32-bit halves) lies inside one region; returns that region.
   */
  checkRead(address: number, high: number, size: number, slot: number): Region {
    const region = high === 0 ? this.space.find(address, size) : undefined;
    if (!region) throw new OutOfBoundsAccess(slot, high * 2 ** 32 + (address >>> 0), size, this.space.nearest(address));
    return region;
  }

  /** checkWrite is checkRead that also throws WriteToReadOnly for regions the program may not write. */
  checkWrite(address: number, high: number, size: number, slot: number): Region {
    const region = this.checkRead(address, high, size, slot);
    if (!region.writable) throw new WriteToReadOnly(slot, address, size, region);
    return region;
  }

  private tracePrintk(slot: number): number {
    const format = this.pointerArg(1, slot);
    const size = this.argLow(2);
    if (size <= 0) return -Errno.EINVAL;
    this.checkRead(format, 0, size, slot);
    const bytes = this.space.bytes.subarray(format, format + Math.min(size, TRACE_LINE_BYTES));
    this.charge(bytes.length, slot);
    const end = bytes.indexOf(0);
    const text = String.fromCharCode(...(end < 0 ? bytes : bytes.subarray(0, end)));
    const args = [3, 4, 5].map((k) => this.arg64(k));
    const result = formatTrace(text, args, (address) => this.readString(address, slot));
    if ('error' in result) return -Errno.EINVAL;
    const line = result.text.slice(0, TRACE_LINE_BYTES);
    this.charge(line.length, slot);
    const kept = line.endsWith('\n') ? line.slice(0, -1) : line;
    if (this.traceKept + kept.length > this.traceLimit) {
      this.traceDropped++;
    } else {
      this.traceKept += kept.length;
      this.trace.push(kept);
    }
    return line.length;
  }

  private readString(address: bigint, slot: number): string {
    const low = Number(address & 0xffff_ffffn);
    const region = address >> 32n === 0n ? this.space.find(low, 1) : undefined;
    if (!region) return '(efault)';
    const bytes = this.space.bytes.subarray(low, Math.min(region.end, low + TRACE_LINE_BYTES));
    this.charge(bytes.length, slot);
    const end = bytes.indexOf(0);
    return String.fromCharCode(...(end < 0 ? bytes : bytes.subarray(0, end)));
  }

  private probeReadKernel(slot: number): number {
    const destination = this.pointerArg(1, slot);
    const size = this.argLow(2);
    if (this.frame[HELPER_FRAME_INDEX + 5] !== 0 || size < 0) return -Errno.EINVAL;
    if (size === 0) return 0;
    this.checkWrite(destination, 0, size, slot);
    this.charge(size, slot);
    const sourceHigh = this.frame[HELPER_FRAME_INDEX + 7] as number;
    const source = this.argLow(3);
    const readable = sourceHigh === 0 && this.space.find(source, size) !== undefined;
    if (!readable) {
      this.space.bytes.fill(0, destination, destination + size);
      return -Errno.EFAULT;
    }
    this.space.bytes.copyWithin(destination, source, source + size);
    return 0;
  }

  private loop(slot: number, callback: CallbackInvoker | undefined): number {
    const f = this.frame;
    const at = HELPER_FRAME_INDEX;
    // Read every argument before calling back: nested helper calls reuse the frame.
    const countHigh = f[at + 3] as number;
    const count = this.argLow(1);
    const funcLow = f[at + 4] as number;
    const funcHigh = f[at + 5] as number;
    const contextLow = f[at + 6] as number;
    const contextHigh = f[at + 7] as number;
    if (f[at + 8] !== 0 || f[at + 9] !== 0) return -Errno.EINVAL;
    if (countHigh !== 0 || count > MAX_LOOPS) return -Errno.E2BIG;
    const target = (funcLow >>> 0) - FUNC_HANDLE_BASE;
    if (funcHigh !== 0 || target < 0 || target >= 0x1000_0000) {
      throw new InvalidHelperArgument(slot, 'bpf_loop callback is not a function reference (lddw with PseudoSrc.FUNC)');
    }
    if (!callback) throw new InvalidHelperArgument(slot, 'this engine cannot run bpf_loop callbacks');
    for (let i = 0; i < count; i++) {
      if (callback(target, i, contextLow, contextHigh, slot) !== 0) return i + 1;
    }
    return count;
  }

  private mapOf(low: number, high: number, slot: number): BpfMap {
    const map = high === 0 ? this.maps[(low >>> 0) - MAP_HANDLE_BASE] : undefined;
    if (!map) throw new InvalidHelperArgument(slot, 'r1 is not a map reference (lddw with PseudoSrc.MAP_FD)');
    return map;
  }

  private handleArg(k: number, slot: number): number {
    if (this.frame[HELPER_FRAME_INDEX + 2 * k + 1] !== 0) {
      throw new InvalidHelperArgument(slot, `r${k} is not a map reference (lddw with PseudoSrc.MAP_FD)`);
    }
    return this.argLow(k);
  }

  /** pointerArg returns argument k as an address, faulting when its high half is set. */
  private pointerArg(k: number, slot: number): number {
    const high = this.frame[HELPER_FRAME_INDEX + 2 * k + 1] as number;
    const low = this.argLow(k);
    if (high !== 0) throw new OutOfBoundsAccess(slot, high * 2 ** 32 + low, 1, undefined);
    return low;
  }

  private argLow(k: number): number {
    return (this.frame[HELPER_FRAME_INDEX + 2 * k] as number) >>> 0;
  }

  private arg64(k: number): bigint {
    const f = this.frame;
    return (BigInt((f[HELPER_FRAME_INDEX + 2 * k + 1] as number) >>> 0) << 32n) | BigInt(this.argLow(k));
  }

  private setResult(low: number, high: number): void {
    this.frame[HELPER_FRAME_INDEX] = low;
    this.frame[HELPER_FRAME_INDEX + 1] = high;
  }

  /** setSigned stores a small signed result (0, a count or -errno) sign-extended to 64 bits. */
  private setSigned(value: number): void {
    this.setResult(value | 0, value < 0 ? -1 : 0);
  }
}
