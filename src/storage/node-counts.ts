// What the storage node's read path counts, for the whole node and per process.

/** NodeCounts is what the node's read path did, for the whole node or for one process's reads. */
export interface NodeCounts {
  /** Bytes read() returned or consumed at the hook (file bytes that went through copyOut). */
  bytesServed: number;
  /** Bytes copied into user buffers. */
  copiedBytes: number;
  /** Bytes a hook program consumed (XDP_DROP): never copied. */
  notCopiedBytes: number;
  /** copyOut calls with data. */
  chunks: number;
  /** Device requests, bytes and modelled seconds caused by these reads' page cache misses. */
  deviceRequests: number;
  deviceBytes: number;
  deviceSeconds: number;
  pageHits: number;
  pageMisses: number;
}

/** countCopy counts one chunk through copyOut. */
export function countCopy(counts: NodeCounts, length: number, dropped: boolean): void {
  counts.chunks += 1;
  counts.bytesServed += length;
  if (dropped) counts.notCopiedBytes += length;
  else counts.copiedBytes += length;
}

/** countRequest counts one device request. */
export function countRequest(counts: NodeCounts, length: number, seconds: number): void {
  counts.deviceRequests += 1;
  counts.deviceBytes += length;
  counts.deviceSeconds += seconds;
}

/** countPage counts one page cache lookup. */
export function countPage(counts: NodeCounts, hit: boolean): void {
  if (hit) counts.pageHits += 1;
  else counts.pageMisses += 1;
}

/** emptyCounts returns counts at zero. */
export function emptyCounts(): NodeCounts {
  return {
    bytesServed: 0,
    copiedBytes: 0,
    notCopiedBytes: 0,
    chunks: 0,
    deviceRequests: 0,
    deviceBytes: 0,
    deviceSeconds: 0,
    pageHits: 0,
    pageMisses: 0,
  };
}
