// Which region the walk proved each memory access inside, for engines that audit the proof at run time.
import type { Reg } from './state.js';

/**
 * ProvenRegion names the region an access was proven inside: a stack frame (by call depth, 0 for
 * the entry function), the context, the input (the chunk, or conformance memory), or a map's value.
 */
export type ProvenRegion =
  | { readonly kind: 'stack'; readonly frame: number }
  | { readonly kind: 'context' }
  | { readonly kind: 'input' }
  | { readonly kind: 'map'; readonly map: number };

/**
 * noteProvenRegion records that the access at `slot` through pointer `base` was proven inside
 * `base`'s region (`order` lists slots as first proven); paths that reach the same slot with other
 * pointers add their regions too.
 * Regions are shared, frozen objects (one per kind, frame and map), so a walk that passes the
 * same access thousands of times allocates nothing here.
 */
export function noteProvenRegion(proven: (ProvenRegion[] | undefined)[], order: number[], slot: number, base: Reg): void {
  const region = regionOf(base);
  const known = proven[slot];
  if (!known) {
    proven[slot] = [region];
    order.push(slot);
  } else if (!known.includes(region)) known.push(region);
}

const CONTEXT: ProvenRegion = Object.freeze({ kind: 'context' });
const INPUT: ProvenRegion = Object.freeze({ kind: 'input' });
const STACKS: ProvenRegion[] = [];
const MAPS: ProvenRegion[] = [];

function regionOf(base: Reg): ProvenRegion {
  switch (base.type) {
    case 'stack':
      return (STACKS[base.frame] ??= Object.freeze({ kind: 'stack', frame: base.frame }));
    case 'ctx':
      return CONTEXT;
    case 'pkt':
    case 'mem':
      return INPUT;
    case 'map_value':
      return (MAPS[base.map] ??= Object.freeze({ kind: 'map', map: base.map }));
    default:
      // access() refuses every other base type before an access is proven.
      throw new Error(`an access through a ${base.type} register was proven`);
  }
}
