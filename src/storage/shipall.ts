// Ship-all: the storage node sends the whole file across the link and the compute node computes the answer.
import { countTransfers, type Link } from '../net/link.js';
import type { StorageNode } from './node.js';
import type { NodeCounts } from './node-counts.js';
import { modelRun } from './pipeline.js';
import { readBufferBytes } from './pushdown.js';
import type { RunStats } from './run-stats.js';

/**
 * ShipAllConsumer is the compute node's side: it receives the file's bytes in order as they arrive
 * (each array is its own copy) and computes the answer at `end`. The query layer passes its
 * csv-parse baseline; `csvConsumer` builds one from a record callback.
 */
export interface ShipAllConsumer<T> {
  write(bytes: Uint8Array): void;
  end(): T | Promise<T>;
}

/** ShipAllOptions describe one ship-all run. */
export interface ShipAllOptions<T> {
  readonly node: StorageNode;
  readonly link: Link;
  /** File path relative to the node's data directory. */
  readonly file: string;
  readonly consumer: ShipAllConsumer<T>;
  /** Data rows in the file, if known, for the report. */
  readonly rows?: number;
  /** onProgress is told after each read: bytes read so far and the file's size (e.g. for a progress bar). */
  readonly onProgress?: (bytesDone: number, bytesTotal: number) => void;
}

/** ShipAllResult is the consumer's answer and the run's numbers. */
export interface ShipAllResult<T> {
  readonly result: T;
  readonly stats: RunStats;
}

/**
 * runShipAll sends a read request (the path) to the storage node, whose server process reads the
 * file through the same read path (no program attached: every byte is copied to user space) and
 * streams it across the link as one TCP stream; the compute node feeds the bytes to the consumer.
 * The consumer's time (write calls and end) is measured as the compute node's parse/compute time.
 */
export async function runShipAll<T>(options: ShipAllOptions<T>): Promise<ShipAllResult<T>> {
  const { node, link, consumer } = options;
  const requestBytes = new TextEncoder().encode(`READ ${options.file}\n`);
  const request = link.send('toStorage', requestBytes.length);

  const pid = node.spawn();
  let fileBytes: number;
  let computeSeconds = 0;
  let result: T;
  let reads: NodeCounts;
  try {
    const bufferBytes = readBufferBytes(node.chunkBytes);
    const memory = node.memory(pid);
    const buffer = memory.allocate(bufferBytes);
    const fd = await node.open(pid, options.file);
    fileBytes = node.size(pid, fd);
    let bytesDone = 0;
    for (;;) {
      const n = await node.read(pid, fd, buffer, bufferBytes);
      if (n === 0) break;
      const received = memory.read(buffer, n);
      const started = performance.now();
      consumer.write(received);
      computeSeconds += (performance.now() - started) / 1000;
      bytesDone += n;
      options.onProgress?.(bytesDone, fileBytes);
    }
    const started = performance.now();
    result = await consumer.end();
    computeSeconds += (performance.now() - started) / 1000;
    reads = { ...node.countsOf(pid) };
  } finally {
    await node.exit(pid);
  }
  const stream = link.send('toCompute', fileBytes);

  const model = modelRun(
    { mode: 'ship-all', chunks: reads.chunks, device: reads.deviceSeconds, hook: 0, loadSeconds: 0, computeSeconds },
    request,
    stream,
  );
  return {
    result,
    stats: {
      mode: 'ship-all',
      file: options.file,
      fileBytes,
      ...(options.rows === undefined ? {} : { rows: options.rows }),
      chunkBytes: node.chunkBytes,
      device: { bytesRead: reads.deviceBytes, requests: reads.deviceRequests, pageHits: reads.pageHits, pageMisses: reads.pageMisses },
      hook: { calls: 0, chunks: reads.chunks, bytes: reads.bytesServed, instructions: 0, cpuSeconds: 0, loadSeconds: 0, verifyCached: false },
      userSpace: { copiedBytes: reads.copiedBytes, notCopiedBytes: reads.notCopiedBytes },
      link: countTransfers([request, stream]),
      computeSeconds,
      ...model,
    },
  };
}
