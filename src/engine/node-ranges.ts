// Runs one program on every node of a cluster, each over its byte range of a table, so that the nodes' rows tile the table's exactly.
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ProgramSpec } from '../asm/program.js';
import type { TableSource } from '../sql/plan.js';
import type { ClusterNode, RangeReply } from '../storage/cluster-node.js';
import { rangeFor } from '../storage/range-run.js';
import { encodeProgramRequest, withRange } from '../storage/wire.js';

/** RangeRuns are the nodes' replies, in node order, and how often each node was asked again. */
export interface RangeRuns {
  readonly replies: readonly RangeReply[];
  readonly restarts: readonly number[];
}

/**
 * runOnRanges sends `spec` with each node's byte range of `table` to every node at once (each verifies,
 * attaches and scans by itself, in parallel), then checks that the nodes' row ranges tile the file,
 * asking a node again from the previous node's end when a quoted line break hid its first row.
 */
export async function runOnRanges(nodes: readonly ClusterNode[], table: TableSource, spec: ProgramSpec): Promise<RangeRuns> {
  const size = (await stat(table.path)).size;
  const format = { delimiter: table.delimiter.charCodeAt(0), quotes: table.format === 'csv', header: table.header };
  const n = nodes.length;
  const message = encodeProgramRequest({ file: basename(table.path), spec });
  const request = (index: number, start?: number) => withRange(message, { ...rangeFor(size, n, index, format), ...(start === undefined ? {} : { start }) });
  const replies = await Promise.all(nodes.map((node, i) => node.run(request(i))));
  const restarts = replies.map(() => 0);
  for (let i = 1; i < n; i++) {
    const previousEnd = (replies[i - 1] as RangeReply).end;
    if ((replies[i] as RangeReply).start === previousEnd) continue;
    replies[i] = await (nodes[i] as ClusterNode).run(request(i, previousEnd));
    restarts[i] = (restarts[i] as number) + 1;
  }
  return { replies, restarts };
}

/**
 * linesBefore is what turns the line numbers a node's program counted (in the header row followed by
 * the node's rows) into the file's: the line breaks before the node's first row, less the header's.
 */
export async function linesBefore(node: ClusterNode, reply: RangeReply, file: string): Promise<number> {
  return (await node.countLines(file, reply.start)) - (reply.headerBytes > 0 ? await node.countLines(file, reply.headerBytes) : 0);
}
