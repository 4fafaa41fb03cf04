// Helper functions Sluice offers, with Linux's ids, names and prototypes (for the verifier and disassembler).

/** ArgType is what a helper argument must be, after Linux's ARG_* kinds. */
export type ArgType =
  | 'anything' // any initialised value
  | 'map' // a map reference (lddw with PseudoSrc.MAP_FD)
  | 'map_key' // pointer to key_size readable bytes
  | 'map_value' // pointer to value_size readable bytes
  | 'mem' // pointer to readable memory whose size is the next argument
  | 'uninit_mem' // pointer to writable memory whose size is the next argument
  | 'size' // constant size > 0 for the previous pointer argument
  | 'size_or_zero' // constant size >= 0 for the previous pointer argument
  | 'func' // pointer to a sub-program (lddw with PseudoSrc.FUNC)
  | 'stack_or_null'; // pointer to the stack, or 0

/** ReturnType is what a helper leaves in r0. */
export type ReturnType = 'integer' | 'map_value_or_null';

/** HelperProto is one helper's signature. */
export interface HelperProto {
  readonly id: number;
  readonly name: string;
  readonly args: readonly ArgType[];
  readonly ret: ReturnType;
}

/** Helper ids, as in Linux's enum bpf_func_id. */
export const HelperId = {
  map_lookup_elem: 1,
  map_update_elem: 2,
  map_delete_elem: 3,
  ktime_get_ns: 5,
  trace_printk: 6,
  get_prandom_u32: 7,
  get_smp_processor_id: 8,
  probe_read_kernel: 113,
  loop: 181,
} as const;

/** HELPERS maps each helper id Sluice offers to its prototype. */
export const HELPERS: ReadonlyMap<number, HelperProto> = new Map(
  (
    [
      { id: 1, name: 'map_lookup_elem', args: ['map', 'map_key'], ret: 'map_value_or_null' },
      { id: 2, name: 'map_update_elem', args: ['map', 'map_key', 'map_value', 'anything'], ret: 'integer' },
      { id: 3, name: 'map_delete_elem', args: ['map', 'map_key'], ret: 'integer' },
      { id: 5, name: 'ktime_get_ns', args: [], ret: 'integer' },
      // Like Linux, only the format is checked: r3-r5 are read only if the format has conversions.
      { id: 6, name: 'trace_printk', args: ['mem', 'size'], ret: 'integer' },
      { id: 7, name: 'get_prandom_u32', args: [], ret: 'integer' },
      { id: 8, name: 'get_smp_processor_id', args: [], ret: 'integer' },
      { id: 113, name: 'probe_read_kernel', args: ['uninit_mem', 'size_or_zero', 'anything'], ret: 'integer' },
      { id: 181, name: 'loop', args: ['anything', 'func', 'stack_or_null', 'anything'], ret: 'integer' },
    ] satisfies HelperProto[]
  ).map((h) => [h.id, h]),
);

/** helperName returns "bpf_<name>" for a known helper id, or undefined. */
export function helperName(id: number): string | undefined {
  const proto = HELPERS.get(id);
  return proto ? `bpf_${proto.name}` : undefined;
}
