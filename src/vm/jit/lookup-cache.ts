// Hash-map lookups answered in wasm from a small per-map cache of recent (key → value address) hits, the runtime called only on a miss.
import { LOOKUP_CACHE_BASE, LOOKUP_CACHE_END, LOOKUP_EPOCH, STACK_BASE } from '../memory.js';
import type { Imports, WritableRange } from './module-context.js';
import { Code } from './wasm-code.js';
import type { FunctionDef } from './wasm-module.js';
import { Op, ValType } from './wasm-opcodes.js';

/*
 * Each cached map has CACHE_ENTRIES direct-mapped entries (the index is a hash of the key bytes):
 *   +0 epoch (u64), +8 key address (u32), +12 value address (u32), +16 the key's bytes.
 * An entry answers a lookup only if its epoch is the current one, the key lies at the same address
 * (the runtime checked that address readable when it filled the entry) and the key bytes are equal.
 * The epoch (a u64 at LOOKUP_EPOCH, shared by every module over the memory) goes up at the start of
 * every run and after every helper call (the only ways map entries can be deleted or moved while a
 * run is on), so no entry outlives the state it was read from. Only plain hash maps are cached: an
 * LRU map's lookup also refreshes the entry's age, which only the runtime does.
 */

/** CACHE_ENTRIES per map (a power of two); HASH_SHIFT keeps the top log2(CACHE_ENTRIES) bits of the hash. */
const CACHE_ENTRIES = 16;
const HASH_SHIFT = 60n;
/** MAX_CACHED_KEY is the widest key cached (its comparison is unrolled). */
export const MAX_CACHED_KEY = 64;
/** A multiplicative hash constant (2^64 divided by the golden ratio). */
const GOLDEN = -0x61c8864680b583ebn;

/** CachedMap is one map's cache: where it lies and the map's key size and handle. */
export interface CachedMap {
  readonly keySize: number;
  readonly handle: number;
  readonly base: number;
}

/** planLookupCaches gives each cacheable map (keySize set) its cache area, while the area lasts. */
export function planLookupCaches(keySizes: readonly (number | undefined)[], handle: (index: number) => number): (CachedMap | undefined)[] {
  let next = LOOKUP_CACHE_BASE;
  return keySizes.map((keySize, index) => {
    if (keySize === undefined || keySize > MAX_CACHED_KEY || keySize === 0) return undefined;
    const size = CACHE_ENTRIES * entryBytes(keySize);
    if (next + size > LOOKUP_CACHE_END) return undefined;
    const base = next;
    next += size;
    return { keySize, handle: handle(index), base };
  });
}

function entryBytes(keySize: number): number {
  return 16 + ((keySize + 7) & ~7);
}

/** emitEpochBump appends `epoch += 1`: every cache entry filled before is stale from here on. */
export function emitEpochBump(c: Code): void {
  c.i32(LOOKUP_EPOCH).i32(LOOKUP_EPOCH).mem(Op.i64_load).i64(1).op(Op.i64_add).mem(Op.i64_store);
}

/** keyParts splits a key into the loads that read it: [offset, load opcode, store opcode]. */
function keyParts(keySize: number): [number, number, number][] {
  const parts: [number, number, number][] = [];
  let at = 0;
  for (const [width, load, store] of [
    [8, Op.i64_load, Op.i64_store],
    [4, Op.i64_load32_u, Op.i64_store32],
    [2, Op.i64_load16_u, Op.i64_store16],
    [1, Op.i64_load8_u, Op.i64_store8],
  ] as const) {
    while (keySize - at >= width) {
      parts.push([at, load, store]);
      at += width;
    }
  }
  return parts;
}

/**
 * cachedLookupFunction builds `(key: i64, slot: i32) -> i64`: the value address for the key at
 * `key`, or 0, as the runtime's lookup import answers. Keys outside [stack, writable end) (where
 * every byte is in memory) always go to the runtime.
 */
export function cachedLookupFunction(map: CachedMap, imports: Imports, writable: WritableRange): FunctionDef {
  const c = new Code();
  const [key, slot, entry, result, hash] = [0, 1, 2, 3, 4];
  const parts = keyParts(map.keySize);
  c.get(key).i64(STACK_BASE).op(Op.i64_lt_u);
  c.get(key).i64(writable.end - map.keySize).op(Op.i64_gt_u).op(Op.i32_or).ifThen();
  c.i32(map.handle).i32(0).get(key).op(Op.i32_wrap_i64).i32(0).get(slot).call(imports.lookup).op(Op.i64_extend_i32_u).op(Op.return);
  c.end();
  c.i64(0).set(hash);
  // hash = (hash + part) * GOLDEN over the key's parts; the entry is its top bits.
  for (const [at, load] of parts) c.get(hash).get(key).op(Op.i32_wrap_i64).mem(load, at).op(Op.i64_add).i64(GOLDEN).op(Op.i64_mul).set(hash);
  c.get(hash).i64(HASH_SHIFT).op(Op.i64_shr_u).op(Op.i32_wrap_i64);
  c.i32(entryBytes(map.keySize)).op(Op.i32_mul).i32(map.base).op(Op.i32_add).set(entry);
  // A hit: same epoch, same key address, same key bytes.
  c.get(entry).mem(Op.i64_load).i32(LOOKUP_EPOCH).mem(Op.i64_load).op(Op.i64_eq);
  c.get(entry).mem(Op.i32_load, 8).get(key).op(Op.i32_wrap_i64).op(Op.i32_eq).op(Op.i32_and);
  for (const [at, load] of parts) {
    c.get(entry).mem(load, 16 + at).get(key).op(Op.i32_wrap_i64).mem(load, at).op(Op.i64_eq).op(Op.i32_and);
  }
  c.ifThen().get(entry).mem(Op.i64_load32_u, 12).op(Op.return).end();
  c.i32(map.handle).i32(0).get(key).op(Op.i32_wrap_i64).i32(0).get(slot).call(imports.lookup).tee(result);
  c.ifThen();
  c.get(entry).i32(LOOKUP_EPOCH).mem(Op.i64_load).mem(Op.i64_store);
  c.get(entry).get(key).op(Op.i32_wrap_i64).mem(Op.i32_store, 8);
  c.get(entry).get(result).mem(Op.i32_store, 12);
  for (const [at, load, store] of parts) c.get(entry).get(key).op(Op.i32_wrap_i64).mem(load, at).mem(store, 16 + at);
  c.end();
  c.get(result).op(Op.i64_extend_i32_u);
  return { type: { params: [ValType.i64, ValType.i32], results: [ValType.i64] }, locals: [ValType.i32, ValType.i32, ValType.i64], body: c.finish().slice() };
}
