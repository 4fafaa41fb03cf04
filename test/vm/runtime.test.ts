// The runtime: maps seen from programs and from the host, and every helper's Linux semantics, on every engine.
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/assembler.js';
import { ENGINES } from '../../src/vm/engines.js';
import type { Engine } from '../../src/vm/engine.js';
import { WriteToReadOnly } from '../../src/vm/errors.js';
import { formatTrace } from '../../src/vm/helpers.js';
import { MapError } from '../../src/vm/maps.js';
import { INPUT_BASE } from '../../src/vm/memory.js';
import { Runtime, type RuntimeOptions } from '../../src/vm/runtime.js';

const u32 = (n: number) => Uint8Array.of(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24);
const u64 = (n: bigint) => {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, n), true);
  return out;
};
const asU64 = (bytes: Uint8Array | undefined) => (bytes ? new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true) : undefined);

/** load assembles `source` into a fresh runtime; run() returns r0 as a signed bigint. */
function load(engine: Engine, source: string, options: RuntimeOptions = {}) {
  const program = assemble(source);
  const runtime = new Runtime(program.maps, options);
  const executable = engine.load(program, runtime);
  return { runtime, run: (input: number[] = []) => BigInt.asIntN(64, executable.run(runtime.space.setInput(Uint8Array.from(input)), input.length).r0) };
}

// map_update_elem(map, &key (stack -4), &value (stack -16), flags) with key, value and flags from the source.
const update = (map: string, key: number, value: number, flags: number) => `
stw [%r10-4], ${key}
stdw [%r10-16], ${value}
lddw %r1, map[${map}]
mov %r2, %r10
add %r2, -4
mov %r3, %r10
add %r3, -16
mov %r4, ${flags}
call 2`;

// r0 = *map_lookup_elem(map, &key) as u64, or -1 when absent.
const lookup = (map: string, key: number) => `
stw [%r10-4], ${key}
lddw %r1, map[${map}]
mov %r2, %r10
add %r2, -4
call 1
jne %r0, 0, +2
mov %r0, -1
ja +1
ldxdw %r0, [%r0]`;

describe.each(ENGINES.map((engine) => [engine.name, engine] as const))('%s', (_name, engine) => {
  describe('hash maps', () => {
    const HASH = '.map h hash key=4 value=8 entries=2\n';

    it('stores from the program and reads back on the host', () => {
      const { runtime, run } = load(engine, `${HASH}${update('h', 7, 42, 0)}\nexit`);
      expect(run()).toBe(0n);
      expect(asU64(runtime.map('h').lookup(u32(7)))).toBe(42n);
    });

    it('returns a pointer into the address space that the program can write through', () => {
      const { runtime, run } = load(engine, `${HASH}${update('h', 1, 5, 0)}
${lookup('h', 1)}
stw [%r10-4], 1
lddw %r1, map[h]
mov %r2, %r10
add %r2, -4
call 1
jeq %r0, 0, +1
stdw [%r0], 99
mov %r0, 0
exit`);
      run();
      expect(asU64(runtime.map('h').lookup(u32(1)))).toBe(99n);
    });

    it('honours BPF_NOEXIST, BPF_EXIST and the size limit with Linux errnos', () => {
      const { runtime, run } = load(engine, `${HASH}${update('h', 1, 1, 1)}\nexit`);
      expect(run()).toBe(0n);
      expect(run()).toBe(-17n); // -EEXIST: key 1 exists, NOEXIST
      expect(asU64(runtime.map('h').lookup(u32(1)))).toBe(1n);
      const exist = load(engine, `${HASH}${update('h', 3, 1, 2)}\nexit`);
      expect(exist.run()).toBe(-2n); // -ENOENT: key 3 missing, EXIST
      const full = load(engine, `${HASH}${update('h', 9, 1, 0)}\nexit`);
      full.runtime.map('h').update(u32(1), u64(1n));
      full.runtime.map('h').update(u32(2), u64(2n));
      expect(full.run()).toBe(-7n); // -E2BIG: two entries already
      const badFlags = load(engine, `${HASH}${update('h', 1, 1, 4)}\nexit`);
      expect(badFlags.run()).toBe(-22n); // -EINVAL
    });

    it('looks up absent keys as null and deletes', () => {
      const { runtime, run } = load(engine, `${HASH}${lookup('h', 4)}\nexit`);
      expect(run()).toBe(-1n);
      runtime.map('h').update(u32(4), u64(123n));
      expect(run()).toBe(123n);
      const del = load(engine, `${HASH}stw [%r10-4], 4\nlddw %r1, map[h]\nmov %r2, %r10\nadd %r2, -4\ncall 3\nexit`);
      del.runtime.map('h').update(u32(4), u64(1n));
      expect(del.run()).toBe(0n);
      expect(del.run()).toBe(-2n);
      expect(del.runtime.map('h').lookup(u32(4))).toBeUndefined();
    });
  });

  it('evicts the least recently used entry of an LRU hash', () => {
    const { runtime, run } = load(engine, `.map l lru_hash key=4 value=8 entries=2\n${lookup('l', 1)}\nmov %r0, 0\n${update('l', 3, 30, 0)}\nexit`);
    runtime.map('l').update(u32(1), u64(10n));
    runtime.map('l').update(u32(2), u64(20n));
    expect(run()).toBe(0n); // touches key 1, then inserting key 3 evicts key 2
    expect(runtime.map('l').keys().map((k) => k[0])).toEqual([1, 3]);
  });

  describe('array maps', () => {
    const ARRAY = '.map a array key=4 value=8 entries=3\n';

    it('has every index present, zeroed, and nothing past the end', () => {
      expect(load(engine, `${ARRAY}${lookup('a', 2)}\nexit`).run()).toBe(0n);
      expect(load(engine, `${ARRAY}${lookup('a', 3)}\nexit`).run()).toBe(-1n);
    });

    it('refuses NOEXIST, out-of-range updates and deletion', () => {
      expect(load(engine, `${ARRAY}${update('a', 0, 1, 1)}\nexit`).run()).toBe(-17n);
      expect(load(engine, `${ARRAY}${update('a', 3, 1, 0)}\nexit`).run()).toBe(-7n);
      const del = `${ARRAY}stw [%r10-4], 0\nlddw %r1, map[a]\nmov %r2, %r10\nadd %r2, -4\ncall 3\nexit`;
      expect(load(engine, del).run()).toBe(-22n);
    });

    it('iterates every index in order on the host', () => {
      const { runtime, run } = load(engine, `${ARRAY}${update('a', 1, 11, 0)}\nexit`);
      run();
      expect(runtime.map('a').entries().map(([k, v]) => [k[0], asU64(v)])).toEqual([[0, 0n], [1, 11n], [2, 0n]]);
    });
  });

  it('starts global data with its initial value and keeps .rodata read-only', () => {
    const maps = '.map .rodata array key=4 value=4 entries=1 readonly init=2a000000\n';
    expect(load(engine, `${maps}lddw %r1, map[.rodata][0]+0\nldxw %r0, [%r1]\nexit`).run()).toBe(42n);
    const write = load(engine, `${maps}lddw %r1, map[.rodata][0]+0\nstw [%r1], 1\nmov %r0, 0\nexit`);
    expect(() => write.run()).toThrow(WriteToReadOnly);
  });

  it('prints trace_printk lines per run', () => {
    // "n=%d %s\n" then "abc" on the stack.
    const { runtime, run } = load(engine, `
lddw %r1, 0x0a73252064253d6e
stxdw [%r10-16], %r1
stdw [%r10-8], 0
stw [%r10-24], 0x636261
mov %r1, %r10
add %r1, -16
mov %r2, 9
mov %r3, -5
mov %r4, %r10
add %r4, -24
call 6
exit`);
    expect(run()).toBe(9n);
    expect(runtime.trace).toEqual(['n=-5 abc']);
    run();
    expect(runtime.trace).toEqual(['n=-5 abc']);
  });

  it('draws deterministic random numbers from the seed', () => {
    const draw = (seed: number) => {
      const { run } = load(engine, 'call 7\nmov %r6, %r0\ncall 7\nlsh %r0, 32\nor %r0, %r6\nexit', { seed });
      return [run(), run()];
    };
    const [first, second] = draw(1);
    expect(draw(1)).toEqual([first, second]);
    expect(first).not.toBe(second);
    expect(draw(2)[0]).not.toBe(first);
  });

  it('reads the clock and the processor id', () => {
    expect(load(engine, 'call 5\nexit', { clock: () => 0x1_0000_0002n }).run()).toBe(0x1_0000_0002n);
    expect(load(engine, 'call 8\nexit').run()).toBe(0n);
  });

  it('probe_read_kernel copies valid memory and zero-fills with -EFAULT otherwise', () => {
    const copy = (from: string) => `
stdw [%r10-8], -1
mov %r1, %r10
add %r1, -8
mov %r2, 4
${from}
call 113
ldxdw %r1, [%r10-8]
lsh %r0, 32
xor %r0, %r1
exit`;
    // Valid: r0 = 0, the 4 input bytes land in the low half and the rest of the slot keeps 0xff.
    expect(load(engine, copy(`lddw %r3, ${INPUT_BASE}`)).run([1, 2, 3, 4])).toBe(BigInt.asIntN(64, 0xffff_ffff_0403_0201n));
    // Invalid source: -EFAULT, the 4 bytes are zeroed.
    expect(load(engine, copy('mov %r3, 16')).run()).toBe(BigInt.asIntN(64, (-14n << 32n) ^ 0xffff_ffff_0000_0000n));
  });

  it('bpf_loop calls its callback with the index and context until it returns 1', () => {
    const { run } = load(engine, `
stdw [%r10-8], 0
mov %r1, 10
lddw %r2, func[body]
mov %r3, %r10
add %r3, -8
mov %r4, 0
call 181
ldxdw %r1, [%r10-8]
lsh %r0, 16
or %r0, %r1
exit
body:
ldxdw %r3, [%r2]
add %r3, %r1
stxdw [%r2], %r3
mov %r0, 0
jne %r1, 4, +1
mov %r0, 1
exit`);
    // Indexes 0..4 run (the callback returns 1 at index 4): 5 iterations, sum 0+1+2+3+4 = 10.
    expect(run()).toBe((5n << 16n) | 10n);
  });
});

describe('host map API', () => {
  it('checks key and value sizes and names the map', () => {
    const runtime = new Runtime([{ name: 'h', type: 'hash', keySize: 4, valueSize: 8, maxEntries: 4, flags: 0 }]);
    expect(() => runtime.map('h').update(u32(1), u32(1))).toThrow(/map "h": value is 4 bytes, expected 8/);
    expect(() => runtime.map('h').lookup(u64(1n))).toThrow(MapError);
    expect(() => runtime.map('nope')).toThrow(MapError);
  });

  it('iterates hash entries in insertion order, with clear and delete', () => {
    const runtime = new Runtime([{ name: 'h', type: 'hash', keySize: 8, valueSize: 4, maxEntries: 4, flags: 0 }]);
    const map = runtime.map('h');
    for (const key of [5n, 1n, 0x1_0000_0000_0000n]) map.update(u64(key), u32(Number(key & 0xffn)));
    expect(map.delete(u64(1n))).toBe(true);
    expect(map.delete(u64(1n))).toBe(false);
    expect(map.keys().map((k) => asU64(k))).toEqual([5n, 0x1_0000_0000_0000n]);
    map.clear();
    expect(map.entries()).toEqual([]);
  });
});

describe('formatTrace', () => {
  const none = () => '';
  it('formats every conversion Linux accepts', () => {
    const result = formatTrace('%d %i %u %x %ld %lu %lx %lld %llu %llx %c %%', [-1n, 255n, 0x41n].map((v) => BigInt.asUintN(64, v)), none);
    expect(result).toEqual({ error: 'trace format uses more than 3 arguments' });
    const ok = formatTrace('%d|%u|%llx', [BigInt.asUintN(64, -1n), BigInt.asUintN(64, -1n), 0xabcn], none);
    expect(ok).toEqual({ text: '-1|4294967295|abc' });
    expect(formatTrace('%lld %c%%', [BigInt.asUintN(64, -2n), 0x41n], none)).toEqual({ text: '-2 A%' });
  });

  it('refuses unknown conversions', () => {
    expect(formatTrace('%f', [1n], none)).toHaveProperty('error');
  });
});
