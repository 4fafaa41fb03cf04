// The storage node: serves a data directory's files through read(), copying page by page via the copyOut hook.
import { open as openFile, type FileHandle } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { XdpAction } from '../asm/opcodes.js';
import type { ProgramSpec } from '../asm/program.js';
import type { CodeCache, EngineName } from '../vm/engine.js';
import { INPUT_CAPACITY } from '../vm/memory.js';
import { UsageError } from '../util/errors.js';
import { DeviceArray, type DeviceOptions } from './device.js';
import { resolveEngine } from './engines.js';
import { StorageError } from './errors.js';
import { BlockReader, DEFAULT_BLOCK_BYTES } from './file-reader.js';
import { countCopy, countPage, countRequest, emptyCounts, type NodeCounts } from './node-counts.js';
import { HookFlag } from './hook-context.js';
import { PAGE_BYTES, PageCache } from './page-cache.js';
import { type Destination, UserMemory } from './process.js';
import { type HookChunk, Tenant } from './tenant.js';
import { KERNEL_MAX_CHUNK, kernelEngine } from './kernel-engine.js';
import type { ProgramStore } from './program-store.js';
import { VerifiedPrograms } from './verified-cache.js';

/** MAX_CHUNK_BYTES is the largest chunk the hook hands a program: the size of its input region (64 KiB). */
export const MAX_CHUNK_BYTES = INPUT_CAPACITY;

const EMPTY = new Uint8Array(0);

/** StorageNodeOptions configure a node. */
export interface StorageNodeOptions {
  /** Directory whose files the node serves; paths outside it are refused. */
  readonly dataDir: string;
  readonly devices?: Partial<DeviceOptions>;
  /** Page cache capacity in 4 KiB pages (default 1 GiB worth). */
  readonly cachePages?: number;
  /** Bytes per copyOut call, 1 .. 65536 (default one page, 4096). */
  readonly chunkBytes?: number;
  /** Engine tenants run on unless they ask otherwise (default 'interpreter'). */
  readonly engine?: EngineName;
  /** Bytes each tenant's maps may take (default DEFAULT_MAP_MEMORY, 512 MiB); attach refuses more, naming the map. */
  readonly tenantMapMemory?: number;
  /** Trace output kept per tenant (default DEFAULT_TRACE_BYTES, 64 KiB); later lines are dropped and counted. */
  readonly tenantTraceBytes?: number;
  /** Verified programs the node remembers (default DEFAULT_VERIFIED_ENTRIES; 0 verifies every attachment). */
  readonly verifiedPrograms?: number;
  /** Where verdicts and JIT code are kept across processes (see ProgramStore); default none. */
  readonly store?: ProgramStore;
}

/** AttachOptions configure one tenant's attachment. */
export interface AttachOptions {
  readonly tenant: string;
  readonly engine?: EngineName;
  readonly chunkBudget?: number;
  readonly queryBudget?: number;
  /** Record every return value and trace line instead of aborting on values other than DROP/PASS (see TenantOptions). */
  readonly inspect?: boolean;
  /** Bytes the tenant will see in all (the size of the file to be read into its buffer), if known (see TenantOptions). */
  readonly inputBytes?: number;
}

/**
 * FileSegment is a byte range [start, end) of a real file. A node can serve a file as a list of
 * segments back to back (a *view*): a cluster node serves the header row followed by its own rows.
 */
export interface FileSegment {
  readonly start: number;
  readonly end: number;
}

/** OpenOptions choose what part of a file a descriptor serves. */
export interface OpenOptions {
  /** Serve these segments of the file back to back, as if they were the file (default: the whole file). */
  readonly segments?: readonly FileSegment[];
  /** Called with each chunk served, before the hook runs: bytes [from, to) of `bytes` lie at `fileOffset` of the real file. */
  readonly observe?: ChunkObserver;
}

/** ChunkObserver sees the bytes a descriptor serves (e.g. to follow rows' quoting) without a copy; `bytes` is valid only during the call. */
export type ChunkObserver = (bytes: Uint8Array, from: number, to: number, fileOffset: number) => void;

/** Chunk is the HookChunk the node reuses for every chunk of one open file. */
type Chunk = { -readonly [K in keyof HookChunk]: HookChunk[K] };

interface OpenFile {
  readonly fileId: number;
  /** Bytes the descriptor serves (the view's size); offsets below are in the view. */
  readonly size: number;
  /** The view: segments of the real file, with `at`, each one's first offset in the view. */
  readonly segments: readonly (FileSegment & { readonly at: number })[];
  readonly observe?: ChunkObserver;
  readonly handle: FileHandle;
  /** Reads into the node's own buffers, or into the read blocks of `readerTenant` (no copy at the hook). */
  reader: BlockReader;
  readerTenant?: Tenant;
  readonly chunk: Chunk;
  /** Size of the real file. */
  readonly realSize: number;
  position: number;
  chunkIndex: number;
  flushed: boolean;
  /** Read-ahead window last charged to the page cache and devices (-1: none). */
  window: number;
}

/**
 * StorageNode serves files to its processes. `read` copies a file page after page into a user
 * buffer through `copyOut`, the one hook point: when a tenant is attached to the destination
 * buffer, its program runs on each chunk first and may consume it (XDP_DROP) instead of letting
 * it be copied (XDP_PASS). At end of file the program runs once more on an empty chunk.
 */
export class StorageNode {
  readonly dataDir: string;
  readonly devices: DeviceArray;
  readonly pageCache: PageCache;
  readonly chunkBytes: number;
  /** Programs verified on this node, so that attaching one again skips the verifier (see VerifiedPrograms). */
  readonly verified: VerifiedPrograms;
  /** Counts over every process since the node started. */
  readonly counts: NodeCounts = emptyCounts();
  /** Counts per live process, so that concurrent runs each get their own. */
  private readonly processCounts = new Map<number, NodeCounts>();
  private readonly defaultEngine: EngineName;
  /** The store's JIT code, offered to every tenant's engine. */
  private readonly codeCache?: CodeCache;
  private readonly tenantMapMemory?: number;
  private readonly tenantTraceBytes?: number;
  private readonly processes = new Map<number, UserMemory>();
  private readonly files = new Map<number, Map<number, OpenFile>>();
  private readonly fileIds = new Map<string, number>();
  /** Attached tenants by hookKey(pid, bufferStart). */
  private readonly hooks = new Map<number, Tenant>();
  private nextPid = 100;
  private nextFd = 3;
  private openFiles = 0;

  constructor(options: StorageNodeOptions) {
    this.dataDir = resolve(options.dataDir);
    this.devices = new DeviceArray(options.devices);
    this.pageCache = new PageCache(options.cachePages);
    this.chunkBytes = options.chunkBytes ?? PAGE_BYTES;
    if (!Number.isInteger(this.chunkBytes) || this.chunkBytes < 1 || this.chunkBytes > MAX_CHUNK_BYTES) {
      throw new UsageError(`chunk size must be 1 to ${MAX_CHUNK_BYTES} bytes, got ${options.chunkBytes}`);
    }
    this.defaultEngine = options.engine ?? 'interpreter';
    this.tenantMapMemory = options.tenantMapMemory;
    this.tenantTraceBytes = options.tenantTraceBytes;
    this.verified = new VerifiedPrograms(options.verifiedPrograms, this.tenantMapMemory, options.store);
    const store = options.store;
    if (store) this.codeCache = { get: (key) => store.get('jit', key), put: (key, code) => store.put('jit', key, code) };
    resolveEngine(this.defaultEngine);
  }

  /** spawn starts a server process and returns its pid. */
  spawn(): number {
    const pid = this.nextPid++;
    this.processes.set(pid, new UserMemory(pid));
    this.processCounts.set(pid, emptyCounts());
    this.files.set(pid, new Map());
    return pid;
  }

  /** memory returns a process's address space (to allocate buffers and read what was copied). */
  memory(pid: number): UserMemory {
    const memory = this.processes.get(pid);
    if (!memory) throw new StorageError(`no process with pid ${pid}`);
    return memory;
  }

  /** countsOf returns what the reads of process `pid` did so far (read it before `exit`). */
  countsOf(pid: number): Readonly<NodeCounts> {
    const counts = this.processCounts.get(pid);
    if (!counts) throw new StorageError(`no process with pid ${pid}`);
    return counts;
  }

  /** exit closes a process's files, detaches its tenants and forgets it. */
  async exit(pid: number): Promise<void> {
    for (const fd of [...(this.files.get(pid)?.keys() ?? [])]) await this.close(pid, fd);
    for (const [key, tenant] of this.hooks) if (Math.floor(key / 2 ** 32) === pid) this.detach(tenant);
    this.processes.delete(pid);
    this.processCounts.delete(pid);
    this.files.delete(pid);
  }

  /**
   * open opens `path` (relative to the data directory) for process `pid` and returns a descriptor;
   * with `options.segments` the descriptor serves those parts of the file back to back (its size,
   * offsets, chunk cuts and the hook context's file_offset and file_size are the view's).
   */
  async open(pid: number, path: string, options: OpenOptions = {}): Promise<number> {
    const table = this.fileTable(pid);
    const full = this.resolvePath(path);
    let handle: FileHandle;
    try {
      handle = await openFile(full, 'r');
    } catch (error) {
      throw new StorageError(`${path}: cannot open (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error });
    }
    const { size: realSize } = await handle.stat();
    let at = 0;
    const segments = (options.segments ?? [{ start: 0, end: realSize }]).map((segment) => {
      if (!(Number.isSafeInteger(segment.start) && Number.isSafeInteger(segment.end) && 0 <= segment.start && segment.start <= segment.end && segment.end <= realSize)) {
        void handle.close();
        throw new StorageError(`${path}: byte range [${segment.start}, ${segment.end}) is not inside the file (${realSize} bytes)`);
      }
      const placed = { ...segment, at };
      at += segment.end - segment.start;
      return placed;
    });
    const size = at;
    let fileId = this.fileIds.get(full);
    if (fileId === undefined) {
      fileId = this.fileIds.size;
      this.fileIds.set(full, fileId);
    }
    const fd = this.nextFd++;
    this.openFiles += 1;
    table.set(fd, {
      fileId,
      size,
      segments,
      ...(options.observe ? { observe: options.observe } : {}),
      handle,
      reader: new BlockReader(handle, Math.max(1, Math.min(DEFAULT_BLOCK_BYTES, realSize))),
      chunk: { source: EMPTY, start: 0, length: 0, flags: 0, index: 0, fileOffset: 0, fileSize: size },
      realSize,
      position: 0,
      chunkIndex: 0,
      flushed: false,
      window: -1,
    });
    return fd;
  }

  /** resolvePath returns the full path of `path` (relative to the data directory); paths outside it are refused. */
  resolvePath(path: string): string {
    const full = resolve(this.dataDir, path);
    const inside = relative(this.dataDir, full);
    if (inside.startsWith('..') || isAbsolute(inside)) {
      throw new StorageError(`${path}: outside the node's data directory ${this.dataDir}`);
    }
    return full;
  }

  /** size returns the size in bytes of an open file. */
  size(pid: number, fd: number): number {
    return this.openFile(pid, fd).size;
  }

  /** close releases a descriptor. */
  async close(pid: number, fd: number): Promise<void> {
    const file = this.openFile(pid, fd);
    this.fileTable(pid).delete(fd);
    this.openFiles -= 1;
    await file.handle.close();
  }

  /**
   * read copies up to `length` bytes from the descriptor's position into the buffer at `address`,
   * chunk by chunk through copyOut, and returns how many bytes of the file it served (0 at end of
   * file). Chunks are cut at multiples of the chunk size in file offsets and at the view's segment
   * boundaries. The read that reaches the
   * end of the file also makes the end-of-file flush call. While other files are open on the node,
   * each read yields after every chunk so that concurrent readers (tenants) interleave chunk by chunk.
   */
  async read(pid: number, fd: number, address: number, length: number): Promise<number> {
    const file = this.openFile(pid, fd);
    const end = Math.min(file.size, file.position + length);
    const buffer = this.memory(pid).slice(address, Math.max(0, end - file.position));
    await this.readInto(file, this.hooks.get(hookKey(pid, buffer.bufferStart)));
    const start = file.position;
    // One destination and one chunk object per read: the loop allocates nothing per chunk.
    const destination = { pid, address };
    const chunk = file.chunk;
    for (let at = start; at < end; ) {
      const segment = segmentAt(file, at);
      const chunkEnd = Math.min(end, segment.at + segment.end - segment.start, (Math.floor(at / this.chunkBytes) + 1) * this.chunkBytes);
      const real = segment.start + (at - segment.at);
      this.chargePages(pid, file, real, real + chunkEnd - at);
      const place = file.reader.placeNow(real, chunkEnd - at) ?? (await file.reader.placeOf(real, chunkEnd - at));
      chunk.source = place.block;
      chunk.start = place.start;
      chunk.length = chunkEnd - at;
      file.observe?.(place.block, place.start, place.start + chunk.length, real);
      chunk.flags = (at === 0 ? HookFlag.FIRST : 0) | (chunkEnd === file.size ? HookFlag.LAST : 0);
      chunk.index = file.chunkIndex;
      chunk.fileOffset = at;
      file.chunkIndex += 1;
      file.position = chunkEnd;
      destination.address = address + (at - start);
      this.copyOut(destination, chunk, chunk.length);
      at = chunkEnd;
      if (this.openFiles > 1) await new Promise((done) => setImmediate(done));
    }
    if (file.position === file.size && !file.flushed) {
      file.flushed = true;
      chunk.source = EMPTY;
      chunk.start = 0;
      chunk.length = 0;
      chunk.flags = HookFlag.EOF_FLUSH | (file.chunkIndex === 0 ? HookFlag.FIRST : 0);
      chunk.index = file.chunkIndex;
      chunk.fileOffset = file.size;
      destination.address = address + (end - start);
      this.copyOut(destination, chunk, 0);
    }
    return end - start;
  }

  /**
   * readInto makes `file` read into the read blocks of `tenant` (the tenant attached to the buffer
   * being read into), so that its program sees each chunk where the file was read, or into the
   * node's own buffers when no tenant is attached.
   */
  private async readInto(file: OpenFile, tenant: Tenant | undefined): Promise<void> {
    if (file.readerTenant === tenant) return;
    await file.reader.settle();
    file.reader = new BlockReader(file.handle, DEFAULT_BLOCK_BYTES, tenant?.readBlocks(DEFAULT_BLOCK_BYTES));
    file.readerTenant = tenant;
  }

  /**
   * copyOut is the hook point: every byte read() delivers passes through here. It runs the program
   * of the tenant attached to the destination buffer (if any) and copies the chunk into the buffer
   * unless the program consumed it. A TenantAborted from the program propagates (after detaching).
   */
  copyOut(destination: Destination, chunk: HookChunk, length: number): void {
    const memory = this.memory(destination.pid);
    const target = memory.bufferAt(destination.address, length);
    const tenant = this.hooks.get(hookKey(destination.pid, target.start));
    let action: number = XdpAction.PASS;
    if (tenant) {
      try {
        action = tenant.run(chunk);
      } catch (error) {
        this.detach(tenant);
        throw error;
      }
    }
    if (length === 0) return;
    const dropped = action === XdpAction.DROP;
    if (!dropped) target.bytes.set(chunk.source.subarray(chunk.start, chunk.start + length), destination.address - target.start);
    countCopy(this.counts, length, dropped);
    countCopy(this.countsOf(destination.pid), length, dropped);
  }

  /**
   * attach verifies `spec` for the hook (a refusal throws the verifier's error, or a MapSpecError
   * naming a map the tenant may not create; a program this node verified before, byte for byte with
   * the same maps, is taken from its cache) and attaches it to the buffer at `destination` in its
   * own Runtime. One tenant per buffer.
   */
  attach(destination: Destination, spec: ProgramSpec, options: AttachOptions): Tenant {
    const target = this.memory(destination.pid).slice(destination.address, 1);
    const key = hookKey(destination.pid, target.bufferStart);
    if (this.hooks.has(key)) {
      throw new StorageError(`pid ${destination.pid}: buffer 0x${target.bufferStart.toString(16)} already has a tenant attached`);
    }
    const engine = resolveEngine(options.engine ?? this.defaultEngine);
    if (engine === kernelEngine && this.chunkBytes > KERNEL_MAX_CHUNK) {
      throw new UsageError(`the kernel engine runs chunks of at most ${KERNEL_MAX_CHUNK} bytes (an XDP test run's linear buffer); this node's chunks are ${this.chunkBytes} bytes (--chunk)`);
    }
    const { facts, cached } = this.verified.verify(spec);
    const tenant = new Tenant(spec, {
      name: options.tenant,
      engine,
      facts,
      verifiedFromCache: cached,
      chunkBudget: options.chunkBudget,
      queryBudget: options.queryBudget,
      inspect: options.inspect,
      readBlockBytes: DEFAULT_BLOCK_BYTES,
      mapMemory: this.tenantMapMemory,
      traceBytes: this.tenantTraceBytes,
      ...(this.codeCache && { codeCache: this.codeCache }),
      ...(options.inputBytes !== undefined && { inputBytes: options.inputBytes }),
    });
    this.hooks.set(key, tenant);
    return tenant;
  }

  /** detach removes a tenant from the hook; detaching twice is harmless. */
  detach(tenant: Tenant): void {
    for (const [key, attached] of this.hooks) if (attached === tenant) this.hooks.delete(key);
    tenant.release();
  }

  /** attachedTenants is how many tenants are attached now. */
  get attachedTenants(): number {
    return this.hooks.size;
  }

  /**
   * chargePages accounts for the page cache and devices when a read enters a new read-ahead
   * window: the window's pages are looked up, and each run of missing pages is one device request.
   * `from` and `to` are offsets in the real file.
   */
  private chargePages(pid: number, file: OpenFile, from: number, to: number): void {
    const windowBytes = this.devices.readAheadBytes;
    const mine = this.countsOf(pid);
    const request = (offset: number, length: number) => {
      const seconds = this.devices.read(offset, length);
      countRequest(this.counts, length, seconds);
      countRequest(mine, length, seconds);
    };
    for (let window = Math.floor(from / windowBytes); window * windowBytes < to; window++) {
      if (window === file.window) continue;
      file.window = window;
      const start = window * windowBytes;
      const end = Math.min(file.realSize, start + windowBytes);
      let missFrom = -1;
      for (let page = Math.floor(start / PAGE_BYTES); page * PAGE_BYTES < end; page++) {
        const hit = this.pageCache.touch(file.fileId, page);
        countPage(this.counts, hit);
        countPage(mine, hit);
        if (!hit && missFrom < 0) missFrom = page * PAGE_BYTES;
        if (hit && missFrom >= 0) {
          request(missFrom, page * PAGE_BYTES - missFrom);
          missFrom = -1;
        }
      }
      if (missFrom >= 0) request(missFrom, end - missFrom);
    }
  }

  private fileTable(pid: number): Map<number, OpenFile> {
    const table = this.files.get(pid);
    if (!table) throw new StorageError(`no process with pid ${pid}`);
    return table;
  }

  private openFile(pid: number, fd: number): OpenFile {
    const file = this.fileTable(pid).get(fd);
    if (!file) throw new StorageError(`pid ${pid}: bad file descriptor ${fd}`);
    return file;
  }
}

/** segmentAt finds the view segment holding view offset `at` (which is below the view's size). */
function segmentAt(file: OpenFile, at: number): OpenFile['segments'][number] {
  for (const segment of file.segments) if (at < segment.at + segment.end - segment.start) return segment;
  throw new StorageError(`offset ${at} is past the end of the view`);
}

/** hookKey names the buffer at `bufferStart` of process `pid` as one number (no string per chunk); user addresses are below 2^32. */
function hookKey(pid: number, bufferStart: number): number {
  return pid * 2 ** 32 + bufferStart;
}
