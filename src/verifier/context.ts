// What r1 points at when a program starts: the storage hook's context struct, or plain memory (conformance).

/** ContextFieldKind says what loading a context field yields: a packet pointer or a plain number. */
export type ContextFieldKind = 'data' | 'data_end' | 'data_meta' | 'scalar';

/** ContextField is one readable field of the context struct; it must be loaded with exactly this size. */
export interface ContextField {
  readonly name: string;
  readonly offset: number;
  readonly size: 1 | 2 | 4 | 8;
  readonly kind: ContextFieldKind;
}

/**
 * ContextSpec describes r1 at entry. `entry: 'ctx'` is a read-only struct of `size` bytes whose
 * `fields` are the only loadable ranges; `entry: 'memory'` makes r1 a pointer to `size` readable
 * and writable bytes and r2 the scalar `size` (the bpf_conformance calling convention).
 */
export interface ContextSpec {
  readonly name: string;
  readonly entry: 'ctx' | 'memory';
  readonly size: number;
  readonly fields: readonly ContextField[];
}

/** HOOK_CONTEXT is the storage hook's context (docs/ARCHITECTURE.md); its first 24 bytes are struct xdp_md. */
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
    // egress_ifindex (offset 20, always 0) is not readable: Linux lets only devmap XDP programs read it.
    { name: 'flags', offset: 24, size: 4, kind: 'scalar' },
    { name: 'chunk_index', offset: 28, size: 4, kind: 'scalar' },
    { name: 'file_offset', offset: 32, size: 8, kind: 'scalar' },
    { name: 'file_size', offset: 40, size: 8, kind: 'scalar' },
  ],
};

/** XDP_MD_SIZE is how many leading bytes of HOOK_CONTEXT Linux's struct xdp_md also has. */
export const XDP_MD_SIZE = 24;

/** memoryContext is the conformance convention: r1 points at `length` read/write bytes, r2 = length. */
export function memoryContext(length: number): ContextSpec {
  return { name: `memory[${length}]`, entry: 'memory', size: length, fields: [] };
}

/** contextField returns the field at exactly [offset, offset + size), or undefined. */
export function contextField(spec: ContextSpec, offset: number, size: number): ContextField | undefined {
  return spec.fields.find((f) => f.offset === offset && f.size === size);
}
