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
      const contents = spec.contents;
      const entries = contents === undefined ? 0 : contents.values.length / spec.valueSize;
      for (let i = 0; contents !== undefined && i < entries; i++) {
        const key = contents.keys?.subarray(i * spec.keySize, (i + 1) * spec.keySize) ?? new Uint8Array(new Uint32Array([i]).buffer);
        map.update(key, contents.values.subarray(i * spec.valueSize, (i + 1) * spec.valueSize));
      }
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

  /** entries walks the map with BPF_MAP_GET_NEXT_KEY and returns every [key, value], in the kernel's order. */
  entries(): [Uint8Array, Uint8Array][] {
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
