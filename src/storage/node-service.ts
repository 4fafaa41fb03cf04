// One cluster storage node's service: a StorageNode answering range requests and line counts, whatever carries the messages (a worker thread or HTTP).
import { open } from 'node:fs/promises';
import { getHeapStatistics } from 'node:v8';
import { Link, type LinkOptions } from '../net/link.js';
import type { EngineName } from '../vm/engine.js';
import type { RangeReply } from './cluster-node.js';
import type { DeviceOptions } from './device.js';
import { StorageError } from './errors.js';
import { StorageNode } from './node.js';
import type { ModulePlace } from './module-exchange.js';
import { ProgramStore, type StorePlace } from './program-store.js';
import { runRange } from './range-run.js';
import { countLineBreaks } from './row-bounds.js';
import { encodeResult } from './wire.js';

/** NodeConfig configures a cluster node: its data, chunk size, engine, devices and its own link to the switch. */
export interface NodeConfig {
  readonly dataDir: string;
  readonly chunkBytes: number;
  readonly engine: EngineName;
  readonly devices?: Partial<DeviceOptions>;
  readonly link: Partial<LinkOptions>;
  /** Instructions one hook call may execute (see TenantOptions). */
  readonly chunkBudget?: number;
  /** This user's store of verified programs and JIT code, which the node opens and uses as a single node does (see ProgramStore). */
  readonly store?: StorePlace;
  /** A worker thread's way to the compiled JIT modules of the other nodes in its process (see ModuleBroker). */
  readonly modules?: ModulePlace;
}

/** NodeService is one node's engine instance: its own devices, page cache, tenants and maps, kept across requests. */
export class NodeService {
  private readonly node: StorageNode;
  private peakHeapBytes = 0;

  constructor(
    private readonly config: NodeConfig,
    /** When the node had loaded its code (ms since the epoch), for its timeline. */
    private readonly loadedAt: number = performance.timeOrigin + performance.now(),
  ) {
    this.node = new StorageNode({
      dataDir: config.dataDir,
      chunkBytes: config.chunkBytes,
      engine: config.engine,
      ...(config.devices ? { devices: config.devices } : {}),
      ...(config.store ? { store: ProgramStore.open(config.store.dir, config.store.build) } : {}),
    });
  }

  /** run answers a program message with a range (see runRange) and returns the reply that crosses back. */
  async run(request: Uint8Array): Promise<RangeReply> {
    const receivedAt = performance.timeOrigin + performance.now();
    const ran = await runRange({
      node: this.node,
      link: new Link(this.config.link),
      request,
      engine: this.config.engine,
      ...(this.config.chunkBudget === undefined ? {} : { chunkBudget: this.config.chunkBudget }),
    });
    this.sampleHeap();
    const { maps, stats, start, end, headerBytes, rescans } = ran;
    const result = encodeResult(maps);
    const timeline = { loadedAt: this.loadedAt, receivedAt, answeredAt: performance.timeOrigin + performance.now() };
    return { result, stats, start, end, headerBytes, rescans, peakHeapBytes: this.peakHeapBytes, timeline };
  }

  /** resolvePath returns the full path of a file in the node's data directory; paths outside it are refused (StorageError). */
  resolvePath(file: string): string {
    return this.node.resolvePath(file);
  }

  /** countLines counts the line breaks in bytes [0, end) of a file in the node's data directory. */
  async countLines(file: string, end: number): Promise<number> {
    const path = this.node.resolvePath(file);
    const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
      throw new StorageError(`${file}: cannot open (${error.code ?? 'error'})`, { cause: error });
    });
    try {
      return await countLineBreaks(handle, end);
    } finally {
      await handle.close();
    }
  }

  /** sampleHeap records the engine instance's memory (V8 heap, malloc and external buffers) if it is a new peak. */
  sampleHeap(): void {
    const heap = getHeapStatistics() as ReturnType<typeof getHeapStatistics> & { external_memory?: number };
    this.peakHeapBytes = Math.max(this.peakHeapBytes, heap.total_heap_size + heap.malloced_memory + (heap.external_memory ?? 0));
  }
}
