// One cluster node's share of a pushdown: the rows that start in its byte range, served after the header row through the hook.
import { open as openFile, type FileHandle } from 'node:fs/promises';
import type { Link } from '../net/link.js';
import type { EngineName } from '../vm/engine.js';
import { StorageError } from './errors.js';
import { RowStartFinder, type RowRule } from '../values/csv-rows.js';
import type { FileSegment, StorageNode } from './node.js';
import { runPushdown, type PushdownResult } from './pushdown.js';
import { candidateRowStart, finishRowStart } from './row-bounds.js';
import { decodeProgramRequest, type RangeRequest } from './wire.js';

/** RangeRunResult is a node's answer for its range and the rows it actually served. */
export interface RangeRunResult extends PushdownResult {
  /** The rows served: [start, end) of the real file (after the header row when start > 0). */
  readonly start: number;
  readonly end: number;
  /** Bytes of the header row served before them (0 when start is 0 or the table has no header). */
  readonly headerBytes: number;
  /** 1 when a quoted line break moved the end and the range was scanned again, else 0. */
  readonly rescans: number;
}

/** RangeRunOptions configure one node's run. */
export interface RangeRunOptions {
  readonly node: StorageNode;
  readonly link: Link;
  /** The program message as it crossed the link (encodeProgramRequest with a range). */
  readonly request: Uint8Array;
  readonly engine?: EngineName;
  readonly tenant?: string;
  /** Instructions one hook call may execute (see TenantOptions). */
  readonly chunkBudget?: number;
}

/**
 * runRange answers a range request on one node. The node owns the rows that *start* in
 * [splitStart, splitEnd): its first row starts at the first line break at or after splitStart − 1
 * (or at the start the compute node gave), and its last row is the one that starts before splitEnd,
 * read to its end. The node serves rows up to the first line break at or after splitEnd − 1 and
 * follows the rows' quoting in the chunks it serves (RowStartFinder, no second read); when that
 * line break was inside quotes, it reads on to the exact end and scans again. The node's first row is
 * exact when the previous node's end equals it: the compute node checks this and asks again from
 * the previous end when it does not (a quoted line break just after a split point).
 * For a table with a header, the node serves the header row first, so the program sees a whole
 * table; the compute node corrects line numbers in errors (see lineOffset).
 */
export async function runRange(options: RangeRunOptions): Promise<RangeRunResult> {
  const { file, spec, range } = decodeProgramRequest(options.request);
  if (!range) throw new StorageError('program message: a cluster node needs a byte range');
  const format: RowRule = { delimiter: range.delimiter, quotes: range.quotes, header: range.header };
  let handle: FileHandle;
  try {
    handle = await openFile(options.node.resolvePath(file), 'r');
  } catch (error) {
    if (error instanceof StorageError) throw error;
    throw new StorageError(`${file}: cannot open (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error });
  }
  try {
    const { size } = await handle.stat();
    const splitEnd = Math.min(range.splitEnd, size);
    const start = Math.min(size, range.start ?? (await candidateRowStart(handle, size, range.splitStart)));
    const headerBytes = format.header && start > 0 ? await finishRowStart(handle, size, new RowStartFinder(format, 0, 1), 0) : 0;
    const candidateEnd = Math.max(start, await candidateRowStart(handle, size, splitEnd));
    const rows = new RowStartFinder(format, start, splitEnd);
    const follow = (bytes: Uint8Array, from: number, to: number, fileOffset: number) => {
      if (fileOffset >= start && rows.found < 0) rows.feed(bytes, from, to, fileOffset);
    };
    const scan = (end: number, watch: boolean) =>
      runPushdown({
        node: options.node,
        link: options.link,
        file,
        spec,
        engine: options.engine,
        tenant: options.tenant ?? spec.name,
        chunkBudget: options.chunkBudget,
        range,
        message: options.request,
        open: { segments: segments(headerBytes, start, end), ...(watch ? { observe: follow } : {}) },
      });
    const first = await scan(candidateEnd, format.quotes);
    if (!format.quotes) return { ...first, start, end: candidateEnd, headerBytes, rescans: 0 };
    const end = Math.max(start, await finishRowStart(handle, size, rows, candidateEnd));
    if (end === candidateEnd) return { ...first, start, end, headerBytes, rescans: 0 };
    return { ...(await scan(end, false)), start, end, headerBytes, rescans: 1 };
  } finally {
    await handle.close();
  }
}

function segments(headerBytes: number, start: number, end: number): FileSegment[] {
  return headerBytes > 0 ? [{ start: 0, end: headerBytes }, { start, end }] : [{ start, end }];
}

/** splitPoints cuts `size` bytes into `nodes` ranges of equal size (± 1 byte): node i gets [points[i], points[i + 1]). */
export function splitPoints(size: number, nodes: number): number[] {
  return Array.from({ length: nodes + 1 }, (_, i) => Math.floor((size * i) / nodes));
}

/** rangeFor is node `index`'s request fields for a file of `size` bytes over `nodes` nodes. */
export function rangeFor(size: number, nodes: number, index: number, format: RowRule): RangeRequest {
  const points = splitPoints(size, nodes);
  return { splitStart: points[index] as number, splitEnd: points[index + 1] as number, ...format };
}
