// A map living in the kernel: created from a MapSpec, read and written through bpf() by key bytes.
import { readFileSync } from 'node:fs';
import { MapType, type MapSpec } from '../asm/program.js';
import { KernelError } from './errors.js';
import type { NativeMemory } from './libc.js';
import { Attr, bpf, bpfRaw, Cmd, nativeLibc } from './syscall.js';

/** UpdateFlag says whether update may create or replace an entry (BPF_ANY, BPF_NOEXIST, BPF_EXIST). */
export const UpdateFlag = { ANY: 0, NOEXIST: 1, EXIST: 2 } as const;

/** BPF_F_RDONLY_PROG makes a map read-only to programs (Sluice sets it for .rodata). */
const BPF_F_RDONLY_PROG = 1 << 7;
const ENOENT = 2;
const EBADF = 9;
const EINVAL = 22;
/** BATCH_ENTRIES is how many entries one BPF_MAP_LOOKUP_BATCH or BPF_MAP_UPDATE_BATCH call moves at most. */
const BATCH_ENTRIES = 4096;
/** Offsets in bpf_attr's batch struct (linux/bpf.h); elem_flags and flags (0) follow. */
const Batch = { inBatch: 0, outBatch: 8, keys: 16, values: 24, count: 32, mapFd: 36 } as const;

/**
 * KernelMap is one kernel map and its file descriptor. Keys and values are raw bytes of
 * `spec.keySize` and `valueBytes` (for per-CPU maps, one 8-byte-aligned value per possible CPU,
 * concatenated, as the kernel returns them). Call `close()` when done.
 */
export class KernelMap {
  /** valueBytes is the size of a value as the bpf() map commands exchange it. */
  readonly valueBytes: number;
  private readonly key: NativeMemory;
  private readonly value: NativeMemory;
  private readonly nextKey: NativeMemory;
  private open = true;

  private constructor(
    readonly spec: MapSpec,
    readonly fd: number,
  ) {
    const c = nativeLibc();
    this.valueBytes = spec.type === 'percpu_array' ? Math.ceil(spec.valueSize / 8) * 8 * possibleCpus() : spec.valueSize;
    this.key = c.alloc(spec.keySize);
    this.value = c.alloc(this.valueBytes);
    this.nextKey = c.alloc(spec.keySize);
  }

  /**
   * create makes the map with BPF_MAP_CREATE. A map with `initialValue` (global data) gets it
   * written to entry 0, one with `contents` (a join's build side) each of its entries; a `readOnly` one is created BPF_F_RDONLY_PROG and then frozen, so the
   * verifier may treat its contents as constants, as libbpf does for .rodata.
   */
  static create(spec: MapSpec): KernelMap {
    const attr = new Attr()
      .u32(0, MapType[spec.type])
      .u32(4, spec.keySize)
      .u32(8, spec.valueSize)
      .u32(12, spec.maxEntries)
      .u32(16, spec.flags | (spec.readOnly ? BPF_F_RDONLY_PROG : 0))
      .name(28, spec.name);
    const map = new KernelMap(spec, bpf(Cmd.MAP_CREATE, attr, `BPF_MAP_CREATE for map '${spec.name}'`));
    try {
      if (spec.initialValue) map.update(new Uint8Array(spec.keySize), spec.initialValue);
      if (spec.contents !== undefined) map.fill(spec.contents);
      // A frozen read-only array map of several entries cannot be read by a program (Linux reads a frozen map's
      // values as constants, which it supports for one-entry arrays only): a build map stays unfrozen, still read-only to programs.
      if (spec.readOnly && spec.contents === undefined) bpf(Cmd.MAP_FREEZE, new Attr().u32(0, map.fd), `BPF_MAP_FREEZE for map '${spec.name}'`);
    } catch (err) {
      map.close();
      throw err;
    }
    return map;
  }

  /** lookup returns a copy of the value stored under `key`, or undefined when there is none. */
  lookup(key: Uint8Array): Uint8Array | undefined {
    this.setKey(key);
    const result = bpfRaw(Cmd.MAP_LOOKUP_ELEM, this.elemAttr(this.value.address));
    if (typeof result !== 'number') {
      if (result.errno === ENOENT) return undefined;
      throw new KernelError(`BPF_MAP_LOOKUP_ELEM on map '${this.spec.name}'`, result.errno, result.code);
    }
    return this.value.bytes.slice();
  }

  /** update stores `value` under `key`; `flags` is an UpdateFlag (default: create or replace). */
  update(key: Uint8Array, value: Uint8Array, flags: number = UpdateFlag.ANY): void {
    this.setKey(key);
    if (value.length !== this.valueBytes) {
      throw new KernelError(`BPF_MAP_UPDATE_ELEM on map '${this.spec.name}'`, EINVAL, 'EINVAL', `value is ${value.length} bytes, the map takes ${this.valueBytes}`);
    }
    this.value.bytes.set(value);
    bpf(Cmd.MAP_UPDATE_ELEM, this.elemAttr(this.value.address).u64(24, BigInt(flags)), `BPF_MAP_UPDATE_ELEM on map '${this.spec.name}'`);
  }

  /**
   * fill stores a build side's contents (MapSpec.contents: keys and values, or an array's values from key 0
   * on): BATCH_ENTRIES at a time with BPF_MAP_UPDATE_BATCH (Linux 5.6 on), else, from where a batch call is
   * refused, one BPF_MAP_UPDATE_ELEM each.
   */
  private fill(contents: NonNullable<MapSpec['contents']>): void {
    const { keySize, valueSize } = this.spec;
    const count = contents.values.length / valueSize;
    const keyAt = (i: number): Uint8Array => contents.keys?.subarray(i * keySize, (i + 1) * keySize) ?? new Uint8Array(new Uint32Array([i]).buffer);
    let done = 0;
    if (this.valueBytes === valueSize) {
      const c = nativeLibc();
      const per = Math.min(BATCH_ENTRIES, Math.max(count, 1));
      const keys = c.alloc(per * keySize);
      const values = c.alloc(per * valueSize);
      const indexes = new DataView(keys.bytes.buffer, keys.bytes.byteOffset, keys.bytes.byteLength);
      try {
        for (; done < count; done += per) {
          const n = Math.min(per, count - done);
          if (contents.keys) keys.bytes.set(contents.keys.subarray(done * keySize, (done + n) * keySize));
          else for (let i = 0; i < n; i++) indexes.setUint32(i * 4, done + i, true);
          values.bytes.set(contents.values.subarray(done * valueSize, (done + n) * valueSize));
          if (typeof bpfRaw(Cmd.MAP_UPDATE_BATCH, this.batchAttr(keys, values, n)) !== 'number') break;
        }
      } finally {
        keys.free();
        values.free();
      }
    }
    for (; done < count; done++) this.update(keyAt(done), contents.values.subarray(done * valueSize, (done + 1) * valueSize));
  }

  private batchAttr(keys: NativeMemory, values: NativeMemory, count: number): Attr {
    return new Attr().u64(Batch.keys, keys.address).u64(Batch.values, values.address).u32(Batch.count, count).u32(Batch.mapFd, this.fd);
  }

  /**
   * entries returns every [key, value] in the kernel's order: BATCH_ENTRIES at a time with BPF_MAP_LOOKUP_BATCH
   * (Linux 5.6 on), else walking the map with BPF_MAP_GET_NEXT_KEY and one lookup per key.
   */
  entries(): [Uint8Array, Uint8Array][] {
    return (this.valueBytes === this.spec.valueSize ? this.lookupBatches() : undefined) ?? this.walk();
  }

  /**
   * lookupBatches reads the map with BPF_MAP_LOOKUP_BATCH, or returns undefined where Linux refuses a call
   * (no batch commands; a hash bucket with more entries than a batch). The batch token (`out_batch`, given back
   * as the next `in_batch`) is opaque: max(8, key size) bytes hold an array's key and a hash map's bucket index.
   */
  private lookupBatches(): [Uint8Array, Uint8Array][] | undefined {
    const c = nativeLibc();
    const { keySize } = this.spec;
    const token = Math.max(8, keySize);
    const keys = c.alloc(BATCH_ENTRIES * keySize);
    const values = c.alloc(BATCH_ENTRIES * this.valueBytes);
    const tokens = c.alloc(2 * token); // out_batch, then in_batch
    const out: [Uint8Array, Uint8Array][] = [];
    try {
      for (let first = true; ; first = false) {
        const attr = this.batchAttr(keys, values, BATCH_ENTRIES).u64(Batch.outBatch, tokens.address);
        if (!first) attr.u64(Batch.inBatch, tokens.address + BigInt(token));
        const result = bpfRaw(Cmd.MAP_LOOKUP_BATCH, attr);
        // ENOENT: the last batch (perhaps empty) has been read.
        const last = typeof result !== 'number';
        if (last && result.errno !== ENOENT) return undefined;
        const got = attr.get32(Batch.count);
        for (let i = 0; i < got; i++) {
          out.push([keys.bytes.slice(i * keySize, (i + 1) * keySize), values.bytes.slice(i * this.valueBytes, (i + 1) * this.valueBytes)]);
        }
        if (last) return out;
        tokens.bytes.copyWithin(token, 0, token);
      }
    } finally {
      for (const m of [keys, values, tokens]) m.free();
    }
  }

  /** walk visits the map with BPF_MAP_GET_NEXT_KEY and one BPF_MAP_LOOKUP_ELEM per key. */
  private walk(): [Uint8Array, Uint8Array][] {
    const out: [Uint8Array, Uint8Array][] = [];
    let previous: Uint8Array | undefined;
    for (;;) {
      if (previous) this.setKey(previous);
      const attr = this.elemAttr(this.nextKey.address);
      if (!previous) attr.u64(8, 0n); // a NULL key asks for the first key
      const result = bpfRaw(Cmd.MAP_GET_NEXT_KEY, attr);
      if (typeof result !== 'number') {
        if (result.errno === ENOENT) return out;
        throw new KernelError(`BPF_MAP_GET_NEXT_KEY on map '${this.spec.name}'`, result.errno, result.code);
      }
      const key = this.nextKey.bytes.slice();
      const value = this.lookup(key);
      if (value) out.push([key, value]);
      previous = key;
    }
  }

  /** close releases the map's file descriptor and native buffers; later calls fail with EBADF. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    nativeLibc().close(this.fd);
    for (const m of [this.key, this.value, this.nextKey]) m.free();
  }

  private setKey(key: Uint8Array): void {
    if (!this.open) throw new KernelError(`access to map '${this.spec.name}'`, EBADF, 'EBADF', 'the map was closed');
    if (key.length !== this.spec.keySize) {
      throw new KernelError(`access to map '${this.spec.name}'`, EINVAL, 'EINVAL', `key is ${key.length} bytes, the map takes ${this.spec.keySize}`);
    }
    this.key.bytes.set(key);
  }

  private elemAttr(valueAddress: bigint): Attr {
    return new Attr().u32(0, this.fd).u64(8, this.key.address).u64(16, valueAddress);
  }
}

let cpus: number | undefined;

/** possibleCpus counts the CPUs in /sys/devices/system/cpu/possible (e.g. "0-1" is 2), as per-CPU maps size values. */
function possibleCpus(): number {
  if (cpus !== undefined) return cpus;
  let count = 0;
  for (const part of readFileSync('/sys/devices/system/cpu/possible', 'utf8').trim().split(',')) {
    const [from, to] = part.split('-').map(Number);
    count += to === undefined ? 1 : to - from! + 1;
  }
  cpus = count;
  return count;
}
