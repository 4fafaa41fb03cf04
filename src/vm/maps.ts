// eBPF maps (array, percpu_array, hash, lru_hash) whose values live in the program's address space.
import type { MapSpec } from '../asm/program.js';
import { SluiceError } from '../util/errors.js';
import type { AddressSpace, Region } from './memory.js';

/** UpdateFlag values of map_update_elem, as Linux's BPF_ANY / BPF_NOEXIST / BPF_EXIST. */
export const UpdateFlag = { ANY: 0, NOEXIST: 1, EXIST: 2 } as const;

/** Errno values helpers return negated, as Linux does. */
export const Errno = { ENOENT: 2, E2BIG: 7, EFAULT: 14, EEXIST: 17, EINVAL: 22 } as const;

/** MapError is a host-side map operation that failed (bad key size, full map, flag conflict). */
export class MapError extends SluiceError {
  override name = 'MapError';
}

/** MapSpecError is a MapSpec Sluice cannot create (bad sizes, unsupported type). */
export class MapSpecError extends SluiceError {
  override name = 'MapSpecError';
}

/**
 * BpfMap is one map. The `*At` methods take addresses in the address space (already
 * bounds-checked by the runtime) and are what helpers call; the others are the host-side API
 * and take byte arrays. Values are `stride` bytes apart in `region` (value size rounded up to 8).
 */
export abstract class BpfMap {
  readonly region: Region;
  readonly stride: number;

  constructor(
    readonly spec: MapSpec,
    readonly index: number,
    protected readonly space: AddressSpace,
  ) {
    this.stride = (spec.valueSize + 7) & ~7;
    this.region = space.allocate(this.stride * spec.maxEntries, index, !spec.readOnly);
  }

  get name(): string {
    return this.spec.name;
  }

  /** lookupAt returns the address of the value for the key at `keyAddress`, or 0 when absent. */
  abstract lookupAt(keyAddress: number): number;
  /** updateAt stores the value at `valueAddress` under the key at `keyAddress`; returns 0 or -errno. */
  abstract updateAt(keyAddress: number, valueAddress: number, flags: number): number;
  /** deleteAt removes the key at `keyAddress`; returns 0 or -errno. */
  abstract deleteAt(keyAddress: number): number;
  /** keys returns the key bytes of every present entry in a deterministic order. */
  abstract keys(): Uint8Array[];
  /** clear removes every entry (array maps zero their values). */
  abstract clear(): void;

  /** lookup returns a copy of the value stored under `key`, or undefined. */
  lookup(key: Uint8Array): Uint8Array | undefined {
    const address = this.withKey(key, (at) => this.lookupAt(at));
    return address === 0 ? undefined : this.space.bytes.slice(address, address + this.spec.valueSize);
  }

  /** update stores `value` under `key`, honouring `flags` (UpdateFlag); throws MapError on failure. */
  update(key: Uint8Array, value: Uint8Array, flags: number = UpdateFlag.ANY): void {
    if (value.length !== this.spec.valueSize) {
      throw new MapError(`map "${this.name}": value is ${value.length} bytes, expected ${this.spec.valueSize}`);
    }
    const scratch = this.scratchAddress();
    this.space.bytes.set(value, scratch + this.spec.keySize);
    const result = this.withKey(key, (at) => this.updateAt(at, scratch + this.spec.keySize, flags));
    if (result !== 0) throw new MapError(`map "${this.name}": update failed with ${errnoName(-result)}`);
  }

  /** delete removes `key`; returns false when it was absent. Array maps refuse deletion. */
  delete(key: Uint8Array): boolean {
    const result = this.withKey(key, (at) => this.deleteAt(at));
    if (result === -Errno.EINVAL) throw new MapError(`map "${this.name}": entries of ${this.spec.type} maps cannot be deleted`);
    return result === 0;
  }

  /** entries returns [key, value] copies of every present entry, in a deterministic order. */
  entries(): [Uint8Array, Uint8Array][] {
    return this.keys().map((key) => [key, this.lookup(key) as Uint8Array]);
  }

  /** valueBytes returns a live view of the value stored under `key` (changes as the program runs), or undefined. */
  valueBytes(key: Uint8Array): Uint8Array | undefined {
    const address = this.withKey(key, (at) => this.lookupAt(at));
    return address === 0 ? undefined : this.space.bytes.subarray(address, address + this.spec.valueSize);
  }

  /**
   * withKey copies a host key into scratch memory (the map's own key scratch past the
   * stack) so the host API shares the address-based code path with helpers.
   */
  private withKey<T>(key: Uint8Array, action: (keyAddress: number) => T): T {
    if (key.length !== this.spec.keySize) {
      throw new MapError(`map "${this.name}": key is ${key.length} bytes, expected ${this.spec.keySize}`);
    }
    const scratch = this.scratchAddress();
    this.space.bytes.set(key, scratch);
    return action(scratch);
  }

  private scratchAddress(): number {
    return this.space.hostScratch(this.spec.keySize + this.spec.valueSize);
  }
}

/** ArrayMap is BPF_MAP_TYPE_ARRAY (and PERCPU_ARRAY with one CPU): u32 index keys, every entry present. */
export class ArrayMap extends BpfMap {
  constructor(spec: MapSpec, index: number, space: AddressSpace) {
    super(spec, index, space);
    if (spec.initialValue) space.bytes.set(spec.initialValue, this.region.start);
  }

  lookupAt(keyAddress: number): number {
    const index = this.space.view.getUint32(keyAddress, true);
    return index < this.spec.maxEntries ? this.region.start + index * this.stride : 0;
  }

  updateAt(keyAddress: number, valueAddress: number, flags: number): number {
    if (flags > UpdateFlag.EXIST || flags < 0) return -Errno.EINVAL;
    const index = this.space.view.getUint32(keyAddress, true);
    if (index >= this.spec.maxEntries) return -Errno.E2BIG;
    if (flags === UpdateFlag.NOEXIST) return -Errno.EEXIST;
    const at = this.region.start + index * this.stride;
    this.space.bytes.copyWithin(at, valueAddress, valueAddress + this.spec.valueSize);
    return 0;
  }

  deleteAt(): number {
    return -Errno.EINVAL;
  }

  keys(): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let i = 0; i < this.spec.maxEntries; i++) {
      const key = new Uint8Array(4);
      new DataView(key.buffer).setUint32(0, i, true);
      out.push(key);
    }
    return out;
  }

  clear(): void {
    this.space.bytes.fill(0, this.region.start, this.region.end);
  }

  /** block returns a copy of the values of entries 0..maxEntries-1, packed valueSize bytes apart. */
  block(): Uint8Array {
    const { valueSize, maxEntries } = this.spec;
    const out = new Uint8Array(valueSize * maxEntries);
    const bytes = this.space.bytes;
    // Byte by byte: millions of entries of a few bytes each, where a subarray per entry would cost more than the copy.
    for (let at = 0, from = this.region.start; at < out.length; from += this.stride) {
      for (let b = 0; b < valueSize; b++) out[at++] = bytes[from + b] as number;
    }
    return out;
  }

  /** fill sets the values of entries 0, 1, 2, ... from `values` (valueSize bytes each). */
  fill(values: Uint8Array): void {
    const { valueSize } = this.spec;
    const bytes = this.space.bytes;
    for (let at = 0, to = this.region.start; at < values.length; to += this.stride) {
      for (let b = 0; b < valueSize; b++) bytes[to + b] = values[at++] as number;
    }
  }
}

type HostKey = number | string;

/**
 * HashMap is BPF_MAP_TYPE_HASH (and, with `lru`, BPF_MAP_TYPE_LRU_HASH). Keys are indexed
 * host-side in a JS Map from a compact key (a number for 4- and small 8-byte keys, else a
 * string of its 16-bit units) to a value slot; values sit in preallocated slots of the region, as Linux
 * preallocates. Iteration order is insertion order (for LRU: least recently used first).
 */
export class HashMap extends BpfMap {
  private readonly slots = new Map<HostKey, number>();
  /** Slots freed by deletion or eviction, reused last-freed first; slots from `fresh` on were never used. */
  private readonly freeSlots: number[] = [];
  private fresh = 0;
  private readonly keyBytes: Uint8Array;
  /** keyUnits is hostKey's scratch: the key as 16-bit units, one per two bytes. */
  private readonly keyUnits: number[];

  constructor(
    spec: MapSpec,
    index: number,
    space: AddressSpace,
    private readonly lru: boolean,
  ) {
    super(spec, index, space);
    this.keyBytes = new Uint8Array(spec.keySize * spec.maxEntries);
    this.keyUnits = new Array<number>(spec.keySize >> 1).fill(0);
  }

  lookupAt(keyAddress: number): number {
    const key = this.hostKey(keyAddress);
    const slot = this.slots.get(key);
    if (slot === undefined) return 0;
    if (this.lru) this.touch(key, slot);
    return this.region.start + slot * this.stride;
  }

  updateAt(keyAddress: number, valueAddress: number, flags: number): number {
    if (flags > UpdateFlag.EXIST || flags < 0) return -Errno.EINVAL;
    const key = this.hostKey(keyAddress);
    let slot = this.slots.get(key);
    if (slot !== undefined) {
      if (flags === UpdateFlag.NOEXIST) return -Errno.EEXIST;
      if (this.lru) this.touch(key, slot);
    } else {
      if (flags === UpdateFlag.EXIST) return -Errno.ENOENT;
      if (this.freeSlots.length === 0 && this.fresh === this.spec.maxEntries) {
        if (!this.lru) return -Errno.E2BIG;
        this.evictLeastRecentlyUsed();
      }
      slot = this.freeSlots.pop() ?? this.fresh++;
      this.slots.set(key, slot);
      const keySize = this.spec.keySize;
      this.keyBytes.set(this.space.bytes.subarray(keyAddress, keyAddress + keySize), slot * keySize);
    }
    const at = this.region.start + slot * this.stride;
    this.space.bytes.copyWithin(at, valueAddress, valueAddress + this.spec.valueSize);
    return 0;
  }

  deleteAt(keyAddress: number): number {
    const key = this.hostKey(keyAddress);
    const slot = this.slots.get(key);
    if (slot === undefined) return -Errno.ENOENT;
    this.slots.delete(key);
    this.freeSlots.push(slot);
    return 0;
  }

  keys(): Uint8Array[] {
    const keySize = this.spec.keySize;
    return [...this.slots.values()].map((slot) => this.keyBytes.slice(slot * keySize, (slot + 1) * keySize));
  }

  clear(): void {
    this.slots.clear();
    this.freeSlots.length = 0;
    this.fresh = 0;
    this.space.bytes.fill(0, this.region.start, this.region.end);
  }

  /** touch marks an entry most recently used by moving it to the end of the insertion order. */
  private touch(key: HostKey, slot: number): void {
    this.slots.delete(key);
    this.slots.set(key, slot);
  }

  private evictLeastRecentlyUsed(): void {
    const oldest = this.slots.entries().next().value as [HostKey, number];
    this.slots.delete(oldest[0]);
    this.freeSlots.push(oldest[1]);
  }

  /** hostKey turns the key bytes at `address` into a compact JS Map key, without allocating for 4/8-byte keys. */
  private hostKey(address: number): HostKey {
    const keySize = this.spec.keySize;
    const view = this.space.view;
    if (keySize === 4) return view.getUint32(address, true);
    if (keySize === 8) {
      const high = view.getUint32(address + 4, true);
      // Below 2^21 the high word keeps lo + hi * 2^32 under 2^53, so the number is exact and unique.
      if (high < 0x200000) return high * 0x1_0000_0000 + view.getUint32(address, true);
    }
    // Two key bytes per UTF-16 unit through a reused array: a spread of the bytes allocated an
    // iterator and an argument list per lookup and took most of a GROUP BY string query's time.
    const units = this.keyUnits;
    const pairs = keySize >> 1;
    for (let k = 0; k < pairs; k++) units[k] = view.getUint16(address + 2 * k, true);
    const key = String.fromCharCode.apply(null, units);
    return keySize & 1 ? key + String.fromCharCode(this.space.bytes[address + keySize - 1] as number) : key;
  }
}

/** createMap builds the map a MapSpec describes (checked by checkMapSpecs), allocating its values in `space`. */
export function createMap(spec: MapSpec, index: number, space: AddressSpace): BpfMap {
  const problem = mapSpecProblem(spec);
  if (problem) throw new MapSpecError(`map "${spec.name}": ${problem}`);
  const map = spec.type === 'array' || spec.type === 'percpu_array'
    ? new ArrayMap(spec, index, space)
    : new HashMap(spec, index, space, spec.type !== 'hash');
  const contents = spec.contents;
  if (contents?.keys === undefined) {
    if (contents !== undefined) (map as ArrayMap).fill(contents.values);
    return map;
  }
  const { keySize, valueSize } = spec;
  for (let i = 0; i * keySize < contents.keys.length; i++) {
    map.update(contents.keys.subarray(i * keySize, (i + 1) * keySize), contents.values.subarray(i * valueSize, (i + 1) * valueSize));
  }
  return map;
}

/** DEFAULT_MAP_MEMORY is how many bytes one tenant's maps may take unless the node says otherwise: 512 MiB, half the address space (1 GiB, memory.ts). */
export const DEFAULT_MAP_MEMORY = 512 * 2 ** 20;
/** MAX_HASH_KEY_SIZE is Linux's limit on hash map keys (MAX_BPF_STACK: programs build keys on the stack). */
export const MAX_HASH_KEY_SIZE = 512;

/**
 * mapFootprint is the memory creating `spec` takes: its values, `stride` bytes each (value size
 * rounded up to 8), plus for hash maps the keys the host keeps beside them.
 */
export function mapFootprint(spec: MapSpec): number {
  const stride = (spec.valueSize + 7) & ~7;
  const keys = spec.type === 'hash' || spec.type === 'lru_hash' ? spec.keySize : 0;
  return (stride + keys) * spec.maxEntries;
}

/**
 * checkMapSpecs throws MapSpecError, naming the map, for the first map in `specs` that a node
 * could not create for one tenant: bad sizes, an unsupported type, or more memory in all than
 * `limit` bytes. Verification and attachment call it, so a refusal comes before any memory is taken.
 */
export function checkMapSpecs(specs: readonly MapSpec[], limit: number = DEFAULT_MAP_MEMORY): void {
  let total = 0;
  for (const spec of specs) {
    const problem = mapSpecProblem(spec);
    if (problem) throw new MapSpecError(`map "${spec.name}": ${problem}`);
    const bytes = mapFootprint(spec);
    total += bytes;
    if (total > limit) {
      const before = total - bytes > 0 ? ` (with ${total - bytes} bytes of maps before it)` : '';
      throw new MapSpecError(
        `map "${spec.name}" needs ${bytes} bytes for ${spec.maxEntries} entries${before}, over the limit of ${limit} bytes of maps per tenant`,
      );
    }
  }
}

/** mapSpecProblem says why a single map cannot be created, or returns undefined. */
function mapSpecProblem(spec: MapSpec): string | undefined {
  const sizes = [spec.keySize, spec.valueSize, spec.maxEntries];
  if (!sizes.every((n) => Number.isSafeInteger(n) && n > 0)) {
    return `key size, value size and max entries must be positive integers (got ${sizes.join(', ')})`;
  }
  if (spec.contents !== undefined) {
    const { keys, values } = spec.contents;
    if (keys === undefined && spec.type !== 'array') return 'only array maps take contents without keys';
    const entries = keys === undefined ? values.length / spec.valueSize : keys.length / spec.keySize;
    if (!Number.isInteger(entries) || values.length !== entries * spec.valueSize) return 'its contents do not hold whole entries of its key and value sizes';
    if (entries > spec.maxEntries) return `its contents hold ${entries} entries, more than its ${spec.maxEntries}`;
  }
  if (spec.returnsBlock && spec.type !== 'array') return 'only array maps return a block of values';
  switch (spec.type) {
    case 'array':
    case 'percpu_array':
      if (spec.keySize !== 4) return `array maps need 4-byte keys, got ${spec.keySize}`;
      if (spec.initialValue && spec.initialValue.length > ((spec.valueSize + 7) & ~7) * spec.maxEntries) return 'initial value is larger than the map';
      return undefined;
    case 'hash':
    case 'lru_hash':
      if (spec.initialValue) return 'only array maps take an initial value';
      if (spec.keySize > MAX_HASH_KEY_SIZE) return `hash keys may be at most ${MAX_HASH_KEY_SIZE} bytes, got ${spec.keySize}`;
      return undefined;
    default:
      return `unsupported map type ${(spec as MapSpec).type}`;
  }
}

function errnoName(errno: number): string {
  const entry = Object.entries(Errno).find(([, value]) => value === errno);
  return entry ? `-${entry[0]}` : `-${errno}`;
}
