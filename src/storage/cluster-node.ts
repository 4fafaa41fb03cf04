// What the compute node needs of a cluster's storage node, wherever it runs (a worker thread or a server), and its failure.
import { SluiceError } from '../util/errors.js';
import type { RunStats } from './run-stats.js';

/** RangeReply is a node's answer to a range request: the result message as it crossed the link, and the run's numbers. */
export interface RangeReply {
  /** encodeResult of the program's writable maps. */
  readonly result: Uint8Array;
  readonly stats: RunStats;
  /** The rows the node served: [start, end) of the file, and the header bytes served before them. */
  readonly start: number;
  readonly end: number;
  readonly headerBytes: number;
  /** Times the node scanned its range again because a quoted line break moved its end. */
  readonly rescans: number;
  /** Largest JavaScript heap the node's engine instance used (bytes), when the node can tell. */
  readonly peakHeapBytes?: number;
  /** When each step of the request happened on the node (see NodeTimeline). */
  readonly timeline?: NodeTimeline;
}

/**
 * NodeTimeline is when (ms since the epoch, by the node's clock) the node was asked to start (worker
 * threads only), had loaded its code, received the request and had answered it: the phases of a
 * cluster query on one node (verify and attach took `stats.hook.loadSeconds` of the last two).
 */
export interface NodeTimeline {
  readonly startedAt?: number;
  readonly loadedAt: number;
  readonly receivedAt: number;
  readonly answeredAt: number;
}

/** ClusterNode is one storage node of a cluster as the compute node sees it. */
export interface ClusterNode {
  /** Name in reports and errors, e.g. "node 2 (worker)" or "node 1 (http://127.0.0.1:7001)". */
  readonly name: string;
  /** run sends a program message with a range (encodeProgramRequest) and returns the node's reply. */
  run(request: Uint8Array): Promise<RangeReply>;
  /** countLines counts the line breaks in bytes [0, end) of `file` (only needed to place an error). */
  countLines(file: string, end: number): Promise<number>;
  /** close stops the node's worker or forgets the server connection; calling it twice is harmless. */
  close(): Promise<void>;
}

/** NodeFailed says which node of a cluster failed a query, and why. */
export class NodeFailed extends SluiceError {
  override name = 'NodeFailed';
  constructor(
    readonly node: string,
    reason: string,
    options?: { cause?: unknown; exitCode?: 1 | 2 },
  ) {
    super(`${node}: ${reason}`, options);
  }
}
