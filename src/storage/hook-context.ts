// The context struct the storage hook passes in r1: struct xdp_md followed by Sluice's chunk fields.
import type { ContextSpec } from '../verifier/context.js';

/**
 * HOOK_CONTEXT is the one definition of the context struct: the storage node writes it
 * (encodeHookContext), the verifier proves loads against it, and the code generator reads its
 * fields by name. The first 24 bytes are Linux's `struct xdp_md`, so a program reading only
 * `data` and `data_end` also loads into Linux as an XDP program:
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
export const HOOK_CONTEXT: ContextSpec = {
  name: 'sluice_hook_ctx',
  entry: 'ctx',
  size: 48,
  fields: [
    { name: 'data', offset: 0, size: 4, kind: 'data' },
    { name: 'data_end', offset: 4, size: 4, kind: 'data_end' },
    { name: 'data_meta', offset: 8, size: 4, kind: 'data_meta' },
    { name: 'ingress_ifindex', offset: 12, size: 4, kind: 'scalar' },
    { name: 'rx_queue_index', offset: 16, size: 4, kind: 'scalar' },
    // Always 0, and not loadable: Linux lets only devmap XDP programs read egress_ifindex.
    { name: 'egress_ifindex', offset: 20, size: 4, kind: 'hidden' },
    { name: 'flags', offset: 24, size: 4, kind: 'scalar' },
    { name: 'chunk_index', offset: 28, size: 4, kind: 'scalar' },
    { name: 'file_offset', offset: 32, size: 8, kind: 'scalar' },
    { name: 'file_size', offset: 40, size: 8, kind: 'scalar' },
  ],
};

/** hookContextOffset returns the byte offset of a field of HOOK_CONTEXT, by its C name. */
export function hookContextOffset(name: string): number {
  const field = HOOK_CONTEXT.fields.find((f) => f.name === name);
  if (!field) throw new Error(`the hook context has no field '${name}'`);
  return field.offset;
}

/** HookContextOffset gives each field's byte offset, looked up once in HOOK_CONTEXT. */
export const HookContextOffset = {
  data: hookContextOffset('data'),
  dataEnd: hookContextOffset('data_end'),
  dataMeta: hookContextOffset('data_meta'),
  ingressIfindex: hookContextOffset('ingress_ifindex'),
  rxQueueIndex: hookContextOffset('rx_queue_index'),
  egressIfindex: hookContextOffset('egress_ifindex'),
  flags: hookContextOffset('flags'),
  chunkIndex: hookContextOffset('chunk_index'),
  fileOffset: hookContextOffset('file_offset'),
  fileSize: hookContextOffset('file_size'),
} as const;

/** HOOK_CONTEXT_BYTES is the size of the hook context struct. */
export const HOOK_CONTEXT_BYTES = HOOK_CONTEXT.size;

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

/**
 * OutputBuffer is the hook's contract for programs that return records rather than only map contents
 * (a plain row selection): an array map named `output` with u32 keys. Entry 0 is a header: the u64 at
 * `count` is how many records this call wrote into entries 1..count (the program zeroes it at the start
 * of each call), and a non-zero u64 at `done` says the program wants no more of the file. The node
 * copies entries 1..count after every call, in order, and stops reading the file once `done` is set.
 * Bytes from `programWords` on are the program's own (e.g. its count of rows returned so far).
 */
export const OutputBuffer = { mapName: 'output', count: 0, done: 8, programWords: 16 } as const;
