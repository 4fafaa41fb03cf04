// Pushdown: the program crosses the link, runs at the storage node's hook over the file, and only map contents come back.
import type { ProgramSpec } from '../asm/program.js';
import { countTransfers, type Link } from '../net/link.js';
import type { EngineName } from '../vm/engine.js';
import type { OpenOptions, StorageNode } from './node.js';
import type { NodeCounts } from './node-counts.js';
import { modelRun } from './pipeline.js';
import type { RunStats } from './run-stats.js';
import { decodeProgramRequest, decodeResult, encodeProgramRequest, encodeResult, type MapContents, type RangeRequest } from './wire.js';

/** PushdownOptions describe one pushdown run. */
export interface PushdownOptions {
  readonly node: StorageNode;
  readonly link: Link;
  /** File path relative to the node's data directory. */
  readonly file: string;
  readonly spec: ProgramSpec;
  /** Tenant name in errors and reports (default: the program's name). */
  readonly tenant?: string;
  readonly engine?: EngineName;
  readonly chunkBudget?: number;
  readonly queryBudget?: number;
  /** Data rows in the file, if known, for the report. */
  readonly rows?: number;
  /** The part of the file a cluster node was asked for (it travels in the program message). */
  readonly range?: RangeRequest;
  /**
   * The program message as the node received it (a cluster node, which decoded `file`, `spec` and
   * `range` from it): the link counts its bytes. Without it, runPushdown encodes the message here
   * and the node decodes it, as the compute node and a single storage node do.
   */
  readonly message?: Uint8Array;
  /** What the node's read path serves (a view of the file) and watches for. */
  readonly open?: OpenOptions;
  /** onProgress is told after each read: bytes read so far and the file's size (e.g. for a progress bar). */
  readonly onProgress?: (bytesDone: number, bytesTotal: number) => void;
}

/** PushdownResult is the answer (map contents, read-only maps left out) and the run's numbers. */
export interface PushdownResult {
  readonly maps: MapContents[];
  readonly stats: RunStats;
}

/**
 * runPushdown sends the program (encoded bytes and map specs) to the storage node, which decodes,
 * verifies and attaches it to a server process's read buffer, reads the whole file through the hook,
 * and sends back the contents of the program's writable maps. Detach and process exit happen
 * whatever goes wrong; a verifier refusal or TenantAborted propagates.
 */
export async function runPushdown(options: PushdownOptions): Promise<PushdownResult> {
  const { node, link } = options;
  const requestBytes = options.message ?? encodeProgramRequest({ file: options.file, spec: options.spec, ...(options.range ? { range: options.range } : {}) });
  const request = link.send('toStorage', requestBytes.length);

  // On the storage node (a message it was sent is decoded already: decoding the program twice costs a cold worker milliseconds).
  const { file, spec } = options.message ? options : decodeProgramRequest(requestBytes);
  const pid = node.spawn();
  let maps: MapContents[];
  let fileBytes: number;
  let attachSeconds: number;
  let hook: RunStats['hook'];
  let reads: NodeCounts;
  let returned: RunStats['returned'];
  try {
    const bufferBytes = readBufferBytes(node.chunkBytes);
    const buffer = node.memory(pid).allocate(bufferBytes);
    const fd = await node.open(pid, file, options.open);
    fileBytes = node.size(pid, fd);
    const attachStarted = performance.now();
    const tenant = node.attach({ pid, address: buffer }, spec, {
      tenant: options.tenant ?? spec.name,
      engine: options.engine,
      chunkBudget: options.chunkBudget,
      queryBudget: options.queryBudget,
      inputBytes: fileBytes,
    });
    attachSeconds = (performance.now() - attachStarted) / 1000;
    try {
      let bytesDone = 0;
      for (let got = await node.read(pid, fd, buffer, bufferBytes); got > 0; got = await node.read(pid, fd, buffer, bufferBytes)) {
        bytesDone += got;
        options.onProgress?.(bytesDone, fileBytes);
        // The program returned all it wants (e.g. a LIMIT's rows): the server stops reading the file.
        if (tenant.output?.done) break;
      }
    } finally {
      node.detach(tenant);
    }
    const c = tenant.counts;
    hook = {
      calls: c.calls,
      chunks: c.chunks,
      bytes: c.bytes,
      instructions: c.instructions,
      cpuSeconds: c.cpuSeconds,
      loadSeconds: attachSeconds,
      verifyCached: tenant.verifiedFromCache,
      ...(tenant.engineFallback === undefined ? {} : { engineFallback: tenant.engineFallback }),
    };
    reads = { ...node.countsOf(pid) };
    maps = tenant.returnedMaps();
    returned = tenant.output === undefined ? undefined : { rows: tenant.output.records.length, bytes: tenant.output.bytes };
  } finally {
    await node.exit(pid);
  }
  const resultBytes = encodeResult(maps);
  const result = link.send('toCompute', resultBytes.length);

  // On the compute node.
  const decodeStarted = performance.now();
  const decoded = decodeResult(resultBytes);
  const computeSeconds = (performance.now() - decodeStarted) / 1000;

  const model = modelRun(
    { mode: 'pushdown', chunks: hook.chunks, device: reads.deviceSeconds, hook: hook.cpuSeconds, loadSeconds: attachSeconds, computeSeconds },
    request,
    result,
  );
  return {
    maps: decoded,
    stats: {
      mode: 'pushdown',
      file,
      fileBytes,
      ...(options.rows === undefined ? {} : { rows: options.rows }),
      chunkBytes: node.chunkBytes,
      ...(returned && { returned }),
      device: { bytesRead: reads.deviceBytes, requests: reads.deviceRequests, pageHits: reads.pageHits, pageMisses: reads.pageMisses },
      hook,
      userSpace: { copiedBytes: reads.copiedBytes, notCopiedBytes: reads.notCopiedBytes },
      link: countTransfers([request, result]),
      computeSeconds,
      ...model,
    },
  };
}

/** readBufferBytes is the server's read size: the largest multiple of the chunk size up to 64 KiB (at least one chunk). */
export function readBufferBytes(chunkBytes: number): number {
  return Math.max(1, Math.floor(65536 / chunkBytes)) * chunkBytes;
}
