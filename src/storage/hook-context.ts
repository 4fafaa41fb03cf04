// The context struct the storage hook passes in r1: struct xdp_md followed by Sluice's chunk fields.

/**
 * HookContextOffset gives each field's byte offset. The first 24 bytes are Linux's `struct xdp_md`,
 * so a program reading only `data` and `data_end` also loads into Linux as an XDP program:
 *
 *   struct sluice_hook_ctx {
 *     __u32 data;             //  0  address of the chunk's first byte
 *     __u32 data_end;         //  4  address one past its last byte
 *     __u32 data_meta;        //  8  = data (no metadata)
 *     __u32 ingress_ifindex;  // 12  0
 *     __u32 rx_queue_index;   // 16  0
 *     __u32 egress_ifindex;   // 20  0
 *     __u32 flags;            // 24  HookFlag bits
 *     __u32 chunk_index;      // 28  0-based, per file read
 *     __u64 file_offset;      // 32  file offset of the chunk's first byte
 *     __u64 file_size;        // 40  bytes in the file
 *   };                        // 48 bytes
 */
export const HookContextOffset = {
  data: 0,
  dataEnd: 4,
  dataMeta: 8,
  ingressIfindex: 12,
  rxQueueIndex: 16,
  egressIfindex: 20,
  flags: 24,
  chunkIndex: 28,
  fileOffset: 32,
  fileSize: 40,
} as const;

/** HOOK_CONTEXT_BYTES is the size of the hook context struct. */
export const HOOK_CONTEXT_BYTES = 48;

/** HookFlag bits of the `flags` field. */
export const HookFlag = {
  /** The chunk starts at file offset 0. */
  FIRST: 1,
  /** The chunk ends at the end of the file. */
  LAST: 2,
  /** The end-of-file call: an empty chunk (data == data_end) after the last one, to flush carried state. */
  EOF_FLUSH: 4,
} as const;

/** HookContextFields are the values written into one context struct. */
export interface HookContextFields {
  readonly data: number;
  readonly dataEnd: number;
  readonly flags: number;
  readonly chunkIndex: number;
  readonly fileOffset: number;
  readonly fileSize: number;
}

/** encodeHookContext writes the context struct (little-endian) into `out`, which must hold HOOK_CONTEXT_BYTES. */
export function encodeHookContext(fields: HookContextFields, out: DataView): void {
  const o = HookContextOffset;
  out.setUint32(o.data, fields.data, true);
  out.setUint32(o.dataEnd, fields.dataEnd, true);
  out.setUint32(o.dataMeta, fields.data, true);
  out.setUint32(o.ingressIfindex, 0, true);
  out.setUint32(o.rxQueueIndex, 0, true);
  out.setUint32(o.egressIfindex, 0, true);
  out.setUint32(o.flags, fields.flags, true);
  out.setUint32(o.chunkIndex, fields.chunkIndex, true);
  setUint64(out, o.fileOffset, fields.fileOffset);
  setUint64(out, o.fileSize, fields.fileSize);
}

// Two u32 halves instead of setBigUint64: this runs once per chunk and allocates nothing.
function setUint64(out: DataView, at: number, value: number): void {
  out.setUint32(at, value >>> 0, true);
  out.setUint32(at + 4, Math.floor(value / 2 ** 32), true);
}
