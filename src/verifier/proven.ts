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
 * `base`'s region; paths that reach the same slot with other pointers add their regions too.
 */
export function noteProvenRegion(regions: Map<number, ProvenRegion[]>, slot: number, base: Reg): void {
  const region = regionOf(base);
  const known = regions.get(slot);
  if (!known) regions.set(slot, [region]);
  else if (!known.some((r) => sameRegion(r, region))) known.push(region);
}

function regionOf(base: Reg): ProvenRegion {
  switch (base.type) {
    case 'stack':
      return { kind: 'stack', frame: base.frame };
    case 'ctx':
      return { kind: 'context' };
    case 'pkt':
    case 'mem':
      return { kind: 'input' };
    case 'map_value':
      return { kind: 'map', map: base.map };
    default:
      // access() refuses every other base type before an access is proven.
      throw new Error(`an access through a ${base.type} register was proven`);
  }
}

function sameRegion(a: ProvenRegion, b: ProvenRegion): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'stack') return a.frame === (b as typeof a).frame;
  if (a.kind === 'map') return a.map === (b as typeof a).map;
  return true;
}
