// What r1 points at when a program starts, as the caller describes it: a context struct (the storage hook's) or plain memory (conformance).

/** ContextFieldKind says what loading a context field yields: a packet pointer or a plain number; a 'hidden' field is laid out but never loadable. */
export type ContextFieldKind = 'data' | 'data_end' | 'data_meta' | 'scalar' | 'hidden';

/** ContextField is one field of the context struct; a loadable one must be loaded with exactly this size. */
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

/** memoryContext is the conformance convention: r1 points at `length` read/write bytes, r2 = length. */
export function memoryContext(length: number): ContextSpec {
  return { name: `memory[${length}]`, entry: 'memory', size: length, fields: [] };
}

/** contextField returns the loadable field at exactly [offset, offset + size), or undefined. */
export function contextField(spec: ContextSpec, offset: number, size: number): ContextField | undefined {
  return spec.fields.find((f) => f.offset === offset && f.size === size && f.kind !== 'hidden');
}
