// One program instance's address space: a WebAssembly memory holding stack, context, input and map values.
import { MAX_CALL_FRAMES, STACK_FRAME_BYTES } from '../asm/limits.js';
import { SluiceError } from '../util/errors.js';

/**
 * Layout (addresses are byte offsets into one WebAssembly.Memory, so every pointer an eBPF
 * program sees fits in 32 bits and its upper half is 0; the JIT reads the same memory):
 *
 *   0x00000 .. 0x10fff   unmapped: null and small integers never dereference
 *   0x11000 .. 0x110ff   context struct (read-only to the program)
 *   0x11100 .. 0x1112f   helper frame: r0..r5 as u64 LE, how engines pass helper arguments (not a region)
 *   0x11130 .. 0x11fff   unmapped guard
 *   0x12000 .. 0x1ffff   the JIT's hash-map lookup caches (jit/lookup-cache.ts; not a region)
 *   0x20000 .. 0x2ffff   input: the chunk (or conformance memory), up to INPUT_CAPACITY bytes
 *   0x30000 .. 0x30fff   stack: MAX_FRAMES frames of FRAME_SIZE bytes; frame k's r10 = STACK_TOP - k * FRAME_SIZE
 *   0x31000 ..           writable map values, then read-only map values, then host scratch, then the
 *                        read blocks (no region: the input region may be pointed at a chunk inside them)
 *
 * Everything a program may write lies in one range, [writableStart, writableEnd): the stack and
 * the writable map values (and the input just below the stack, when it is writable). Nothing
 * read-only, and nothing outside every region, lies inside it, so engines that drop the bounds
 * check of a proven store still compare its address with that range: one unsigned compare keeps
 * an unsound proof from writing the context, the chunk, a read-only map or the helper frame.
 *
 * The input region usually sits at INPUT_BASE and gets the chunk copied in (setInput). A storage node
 * that reads its file straight into this memory (reserveReadBlocks) instead points the input region at
 * the chunk where it already lies (pointInput): the program sees exactly that chunk, read-only, and
 * nothing of the rest of the block; the read blocks lie above the writable range.
 */
export const PAGE = 0x10000;
export const FRAME_SIZE = STACK_FRAME_BYTES;
export const MAX_FRAMES = MAX_CALL_FRAMES;
export const CONTEXT_BASE = 0x11000;
export const CONTEXT_CAPACITY = 0x100;
/**
 * HELPER_FRAME is where an engine writes r1..r5 (u64 little-endian at +8 .. +40) before
 * `Runtime.call`, and reads r0 (at +0) after it. It lies outside every region: programs cannot touch it.
 */
export const HELPER_FRAME = 0x11100;
/** LOOKUP_EPOCH (a u64) and the caches after it up to LOOKUP_CACHE_END: the JIT's, outside every region. */
export const LOOKUP_EPOCH = 0x12000;
export const LOOKUP_CACHE_BASE = LOOKUP_EPOCH + 8;
export const INPUT_BASE = 0x20000;
export const LOOKUP_CACHE_END = INPUT_BASE;
export const INPUT_CAPACITY = 0x10000;
export const STACK_BASE = INPUT_BASE + INPUT_CAPACITY;
export const STACK_TOP = STACK_BASE + FRAME_SIZE * MAX_FRAMES;
export const HEAP_BASE = STACK_TOP;
/** Largest address space one instance may grow to (1 GiB). */
export const MAX_BYTES = 1 << 30;

/** RegionKind names what a range of the address space holds. */
export type RegionKind = 'stack' | 'context' | 'input' | 'map';

/** Region is a valid range [start, end) with its permission. */
export interface Region {
  readonly kind: RegionKind;
  /** Fixed, except for the input region, which pointInput may move into the read blocks. */
  start: number;
  end: number;
  readonly writable: boolean;
  /** For map regions: the map's index in its program's map list. */
  readonly mapIndex?: number;
}

/** AddressSpaceError reports that memory could not be allocated or an input does not fit. */
export class AddressSpaceError extends SluiceError {
  override name = 'AddressSpaceError';
}

/** AddressSpaceOptions tunes one address space. */
export interface AddressSpaceOptions {
  /** Let the program write the input region (conformance tests store into their memory). Default false. */
  readonly writableInput?: boolean;
}

/**
 * AddressSpace owns the memory of one program instance. `bytes` and `view` are replaced
 * when the memory grows: read them afresh after any allocation.
 */
export class AddressSpace {
  readonly memory: WebAssembly.Memory;
  bytes: Uint8Array;
  view: DataView;
  /** Valid ranges (the input region may move; see pointInput). */
  readonly regions: Region[];
  readonly input: Region;
  readonly context: Region;
  /** The first byte a program may write: the stack, or the input below it when the input is writable. */
  readonly writableStart: number;
  private heapTop = HEAP_BASE;
  private writableTop = HEAP_BASE;
  private scratchStart = 0;
  private scratchSize = 0;
  private blocksStart = 0;
  private blocksEnd = 0;

  constructor(options: AddressSpaceOptions = {}) {
    this.memory = new WebAssembly.Memory({ initial: Math.ceil(HEAP_BASE / PAGE) + 1, maximum: MAX_BYTES / PAGE });
    this.bytes = new Uint8Array(this.memory.buffer);
    this.view = new DataView(this.memory.buffer);
    this.context = { kind: 'context', start: CONTEXT_BASE, end: CONTEXT_BASE, writable: false };
    this.input = { kind: 'input', start: INPUT_BASE, end: INPUT_BASE, writable: options.writableInput ?? false };
    this.writableStart = this.input.writable ? INPUT_BASE : STACK_BASE;
    this.regions = [this.context, this.input, { kind: 'stack', start: STACK_BASE, end: STACK_TOP, writable: true }];
  }

  /** writableEnd is one past the last byte a program may write (see the layout above). */
  get writableEnd(): number {
    return this.writableTop;
  }

  /**
   * allocate reserves `size` zeroed bytes (8-byte aligned) for a map and returns its region.
   * Writable values must all be allocated before any read-only value or host scratch, so that
   * they extend the writable range without a gap.
   */
  allocate(size: number, mapIndex: number, writable = true): Region {
    const start = this.heapTop;
    if (writable && start !== this.writableTop) {
      throw new AddressSpaceError(`map #${mapIndex}: writable map values must be allocated before read-only ones and host scratch`);
    }
    const end = start + align8(Math.max(size, 1));
    if (end > MAX_BYTES) throw new AddressSpaceError(`cannot allocate ${size} bytes: address space is limited to ${MAX_BYTES} bytes`);
    this.ensure(end);
    this.heapTop = end;
    if (writable) this.writableTop = end;
    const region: Region = { kind: 'map', start, end: start + size, writable, mapIndex };
    this.regions.push(region);
    return region;
  }

  /** setInput copies `data` into the input region and makes exactly its bytes readable. */
  setInput(data: Uint8Array): number {
    if (data.length > INPUT_CAPACITY) {
      throw new AddressSpaceError(`input of ${data.length} bytes exceeds the ${INPUT_CAPACITY}-byte input region`);
    }
    this.bytes.set(data, INPUT_BASE);
    this.input.start = INPUT_BASE;
    this.input.end = INPUT_BASE + data.length;
    return INPUT_BASE;
  }

  /**
   * reserveReadBlocks reserves, once, `count` blocks of `size` bytes after everything else, where the
   * host reads file data for the program to see without a copy (pointInput). They belong to no region.
   * The Runtime reserves them after the maps and host scratch, so the memory never grows after (growing
   * would detach the views readBlock returned and the engines' views). Returns the first block's address.
   */
  reserveReadBlocks(count: number, size: number): number {
    if (this.blocksEnd === 0) {
      const start = alignBlock(this.heapTop);
      const end = start + count * alignBlock(size);
      if (end > MAX_BYTES) throw new AddressSpaceError(`cannot reserve ${count} read blocks of ${size} bytes: address space is limited to ${MAX_BYTES} bytes`);
      this.ensure(end);
      this.heapTop = end;
      this.blocksStart = start;
      this.blocksEnd = end;
    } else if (this.blocksEnd - this.blocksStart !== count * alignBlock(size)) {
      throw new AddressSpaceError(`read blocks are already reserved with another size`);
    }
    return this.blocksStart;
  }

  /** readBlock returns a view of read block `index` (of `size` bytes) from reserveReadBlocks, valid until the memory grows. */
  readBlock(index: number, size: number): Uint8Array {
    const start = this.blocksStart + index * alignBlock(size);
    if (this.blocksEnd === 0 || start + size > this.blocksEnd) throw new AddressSpaceError(`read block ${index} of ${size} bytes was not reserved`);
    return this.bytes.subarray(start, start + size);
  }

  /**
   * pointInput makes exactly [address, address + length) readable as the input, without copying:
   * the range must lie inside the read blocks and hold at most INPUT_CAPACITY bytes. Returns address.
   */
  pointInput(address: number, length: number): number {
    if (this.input.writable) throw new AddressSpaceError('a writable input cannot be pointed at the read blocks');
    if (length > INPUT_CAPACITY) {
      throw new AddressSpaceError(`input of ${length} bytes exceeds the ${INPUT_CAPACITY}-byte input region`);
    }
    if (address < this.blocksStart || address + length > this.blocksEnd) {
      throw new AddressSpaceError(`input at 0x${address.toString(16)} (${length} bytes) is not inside the read blocks`);
    }
    this.input.start = address;
    this.input.end = address + length;
    return address;
  }

  /** setContext copies a context struct into the context region and makes exactly its bytes readable. */
  setContext(data: Uint8Array): number {
    if (data.length > CONTEXT_CAPACITY) {
      throw new AddressSpaceError(`context of ${data.length} bytes exceeds the ${CONTEXT_CAPACITY}-byte context region`);
    }
    this.bytes.set(data, CONTEXT_BASE);
    this.context.end = CONTEXT_BASE + data.length;
    return CONTEXT_BASE;
  }

  /** find returns the region holding [address, address + size), or undefined. */
  find(address: number, size: number): Region | undefined {
    for (const region of this.regions) {
      if (address >= region.start && address + size <= region.end) return region;
    }
    return undefined;
  }

  /**
   * hostScratch returns the address of `size` bytes the host (map API) may use to stage keys
   * and values. They belong to no region, so programs cannot reach them. Reserve the largest
   * size once up front: a larger request grows the memory.
   */
  hostScratch(size: number): number {
    if (size > this.scratchSize) {
      this.scratchSize = align8(size);
      this.scratchStart = this.heapTop;
      this.heapTop += this.scratchSize;
      if (this.heapTop > MAX_BYTES) throw new AddressSpaceError(`cannot reserve ${size} bytes of host scratch memory`);
      this.ensure(this.heapTop);
    }
    return this.scratchStart;
  }

  /** nearest returns the region closest to `address` (for error messages), or undefined if there is none. */
  nearest(address: number): Region | undefined {
    let best: Region | undefined;
    let bestDistance = Infinity;
    for (const region of this.regions) {
      const distance = address < region.start ? region.start - address : Math.max(0, address - region.end + 1);
      if (distance < bestDistance) {
        best = region;
        bestDistance = distance;
      }
    }
    return best;
  }

  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    this.memory.grow(Math.ceil((end - have) / PAGE));
    this.bytes = new Uint8Array(this.memory.buffer);
    this.view = new DataView(this.memory.buffer);
  }
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

/** READ_BLOCK_ALIGN aligns each read block to a page of the host. */
const READ_BLOCK_ALIGN = 4096;

/**
 * alignBlock rounds up to READ_BLOCK_ALIGN. Why: the kernel copies a read(2) into the block, and a
 * destination 8 bytes past a cache line made that copy about 2.8 times slower than a page-aligned one in
 * a loop of reads (0.17 s against 0.06 s of system time for 376 MB); in a whole Q1 scan at SF 1 it saved
 * about 50 ms of system time (RATIONALE.md).
 */
function alignBlock(n: number): number {
  return Math.ceil(n / READ_BLOCK_ALIGN) * READ_BLOCK_ALIGN;
}
