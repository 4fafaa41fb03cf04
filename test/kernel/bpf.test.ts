// Tests for the Linux bpf() interface: anchor and fixture programs run in the kernel, maps read back, refusals explained.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PseudoSrc } from '../../src/asm/opcodes.js';
import { lddwFrom } from '../../src/asm/instruction.js';
import type { ProgramSpec } from '../../src/asm/program.js';
import { loadObject } from '../../src/elf/loader.js';
import {
  KernelError,
  KernelMap,
  KernelVerifierError,
  kernelAvailability,
  loadKernelProgram,
  testRun,
  UpdateFlag,
  XDP_TEST_RUN_BYTES,
} from '../../src/kernel/bpf.js';
import { ANCHOR_DIR, anchorAvailable, fixture } from '../elf/fixtures.js';

const availability = kernelAvailability();
if (!availability.ok) console.warn(`skipping kernel tests: ${availability.reason}`);
if (availability.ok && !anchorAvailable) console.warn(`skipping kernel anchor tests: ${ANCHOR_DIR} is missing`);

const u32 = (n: number) => new Uint8Array(new Uint32Array([n]).buffer);
const u64 = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true);
const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** anchorFold re-implements csvcore.h's scan and fold with BigInt, independently of every engine. */
function anchorFold(chunk: Uint8Array): number {
  const M = (1n << 64n) - 1n;
  let val = 0n;
  let f0 = 0n;
  let f1 = 0n;
  let sum = 0n;
  let cnt = 0n;
  for (const c of chunk.subarray(0, 3520)) {
    if (c >= 0x30 && c <= 0x39) {
      val = (val * 10n + BigInt(c - 0x30)) & M;
    } else if (c === 0x2c) {
      f0 = f1;
      f1 = val;
      val = 0n;
    } else if (c === 0x0a) {
      const m = ((f0 - 50000n) & M) >> 63n;
      sum = (sum + (f1 & ((0n - m) & M))) & M;
      cnt = (cnt + m) & M;
      val = 0n;
    }
  }
  const low = BigInt.asUintN(32, sum ^ (sum >> 32n));
  return Number(low ^ BigInt.asUintN(32, cnt * 0x9e3779b1n));
}

describe.skipIf(!availability.ok)('kernel bpf() interface', () => {
  describe.skipIf(!anchorAvailable)('anchor program', () => {
    let dir: string;
    let csv: Uint8Array;
    let offsets: Uint32Array;

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'sluice-kernel-'));
      execFileSync('node', [join(ANCHOR_DIR, 'gen.mjs'), '1', '3520', join(dir, 'data')], { stdio: 'ignore' });
      csv = new Uint8Array(readFileSync(join(dir, 'data.csv')));
      const index = readFileSync(join(dir, 'data.3520.idx'));
      offsets = new Uint32Array(index.buffer, index.byteOffset, index.byteLength / 4);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('loads csv_scan, reports the verifier effort, and matches an independent fold on every chunk', () => {
      const spec = loadObject(readFileSync(join(ANCHOR_DIR, 'csv.bpf.o')), 'csv.bpf.o').programs[0]!;
      const program = loadKernelProgram(spec, { type: 'xdp' });
      try {
        expect(program.processedInsns).toBeGreaterThan(1000);
        expect(program.processedInsns).toBeLessThanOrEqual(1_000_000);
        expect(program.log).toMatch(/processed \d+ insns/);
        expect(offsets.length).toBeGreaterThan(250);
        for (let k = 0; k + 1 < offsets.length; k++) {
          const chunk = csv.subarray(offsets[k], offsets[k + 1]);
          expect(testRun(program.fd, chunk).retval, `chunk ${k}`).toBe(anchorFold(chunk));
        }
        const first = csv.subarray(offsets[0], offsets[1]);
        const repeated = testRun(program.fd, first, 50);
        expect(repeated.retval).toBe(anchorFold(first));
        expect(repeated.durationNs).toBeGreaterThan(0);
      } finally {
        program.close();
      }
    });
  });

  it('runs the BTF map fixture and reads both maps back', () => {
    const program = loadKernelProgram(loadObject(fixture('maps'), 'maps.bpf.o').programs[0]!, { type: 'xdp' });
    try {
      const chunks = ['hello, storage node!', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '0123456789abcdef'];
      const expected = new Map<number, bigint>();
      let bytes = 0n;
      for (const text of chunks) {
        expect(testRun(program.fd, latin1(text)).retval).toBe(2); // XDP_PASS
        for (const c of latin1(text).subarray(0, 64)) expected.set(c, (expected.get(c) ?? 0n) + 1n);
        bytes += BigInt(Math.min(64, text.length));
      }
      const [counts, totals] = program.maps;
      expect(counts!.spec.name).toBe('byte_counts');
      const seen = new Map(counts!.entries().map(([k, v]) => [new DataView(k.buffer).getUint32(0, true), u64(v)]));
      expect(seen).toEqual(expected);
      expect(totals!.entries().map(([, v]) => u64(v))).toEqual([BigInt(chunks.length), bytes]);
      expect(counts!.lookup(u32(0x7e))).toBeUndefined();
    } finally {
      program.close();
    }
  });

  it('fills global data maps from the object and lets the program update them', () => {
    const program = loadKernelProgram(loadObject(fixture('globals'), 'globals.bpf.o').programs[0]!, { type: 'xdp' });
    try {
      const byName = new Map(program.maps.map((m) => [m.spec.name, m]));
      testRun(program.fd, latin1('x'.repeat(20))); // 20 <= threshold (100)
      testRun(program.fd, latin1('y'.repeat(150))); // 150 > threshold
      const value = (name: string) => byName.get(name)!.lookup(u32(0))!;
      expect(u64(value('.data'))).toBe(7n); // calls starts at 5
      const bss = new DataView(value('.bss').buffer);
      expect(bss.getUint32(0, true)).toBe(150); // last_len
      const tag = 'abcdefghijklmnopqrstuvwxyz';
      expect(bss.getBigUint64(8, true)).toBe(1000n + BigInt(tag.charCodeAt(20 & 15) + tag.charCodeAt(150 & 15))); // over[0]
      expect(bss.getBigUint64(16, true)).toBe(150n * 7n); // over[1] += len * scale
      expect(() => byName.get('.rodata')!.update(u32(0), new Uint8Array(16))).toThrow(KernelError); // frozen
    } finally {
      program.close();
    }
  });

  it('runs sub-programs and a bpf_loop callback (func_info BTF is generated)', () => {
    const object = loadObject(fixture('subprog'), 'subprog.bpf.o');
    const xdp = loadKernelProgram(object.programs[0]!, { type: 'xdp' });
    const loop = loadKernelProgram(loadObject(fixture('loop'), 'loop.bpf.o').programs[0]!, { type: 'xdp' });
    try {
      // call_subprogs: DROP (1) iff len^2 + 9 == 25, which no test-run size >= 14 satisfies.
      expect(testRun(xdp.fd, new Uint8Array(16)).retval).toBe(2);
      // loop_sum: sum of 0..len-1 > 100 ? DROP : PASS.
      expect(testRun(loop.fd, new Uint8Array(14)).retval).toBe(2); // 91
      expect(testRun(loop.fd, new Uint8Array(15)).retval).toBe(1); // 105
    } finally {
      xdp.close();
      loop.close();
    }
  });

  it('loads a socket filter', () => {
    const program = loadKernelProgram(loadObject(fixture('subprog'), 'subprog.bpf.o').programs[1]!, { type: 'socket_filter' });
    try {
      // socket_entry returns skb->len squared; the skb test run strips the 14-byte Ethernet header.
      expect(testRun(program.fd, new Uint8Array(30)).retval).toBe(16 * 16);
    } finally {
      program.close();
    }
  });

  it('throws KernelVerifierError with the log when the verifier refuses a program', () => {
    const bad: ProgramSpec = {
      name: 'reads_r2',
      section: 'xdp',
      license: 'GPL',
      maps: [],
      insns: [
        lddwFrom(0, 7n), // slots 0-1
        { opcode: 0xb7, dst: 3, src: 0, offset: 0, imm: 1 }, // slot 2: r3 = 1
        { opcode: 0xbf, dst: 0, src: 2, offset: 0, imm: 0 }, // slot 3: r0 = r2 (never written)
        { opcode: 0x95, dst: 0, src: 0, offset: 0, imm: 0 },
      ],
    };
    for (const logLevel of [0, 2] as const) {
      let error: unknown;
      try {
        loadKernelProgram(bad, { type: 'xdp', logLevel });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(KernelVerifierError);
      const refusal = error as KernelVerifierError;
      expect(refusal.log).toMatch(/R2 !read_ok/);
      expect(refusal.insn).toBe(3);
      expect(refusal.message).toMatch(/refused it at insn #3: R2 !read_ok$/);
      expect([13, 22]).toContain(refusal.errno); // EACCES or EINVAL
    }
  });

  it('patches map and global data references with the maps it creates', () => {
    const spec: ProgramSpec = {
      name: 'value_ref',
      section: 'xdp',
      license: 'GPL',
      maps: [{ name: '.data', type: 'array', keySize: 4, valueSize: 8, maxEntries: 1, flags: 0, initialValue: Uint8Array.of(0, 0, 0, 0, 42, 0, 0, 0) }],
      insns: [
        { ...lddwFrom(1, 0n, PseudoSrc.MAP_VALUE), imm: 0, imm2: 4 }, // r1 = &.data + 4
        { opcode: 0x61, dst: 0, src: 1, offset: 0, imm: 0 }, // r0 = *(u32 *)(r1 + 0)
        { opcode: 0x95, dst: 0, src: 0, offset: 0, imm: 0 },
      ],
    };
    const program = loadKernelProgram(spec, { type: 'xdp' });
    try {
      expect(testRun(program.fd, new Uint8Array(14)).retval).toBe(42);
    } finally {
      program.close();
    }
  });

  it('offers lookup, update and entries on a map created from a spec, and refuses use after close', () => {
    const map = KernelMap.create({ name: 'pairs', type: 'hash', keySize: 4, valueSize: 4, maxEntries: 8, flags: 0 });
    try {
      expect(map.entries()).toEqual([]);
      map.update(u32(1), u32(10));
      map.update(u32(2), u32(20), UpdateFlag.NOEXIST);
      expect(() => map.update(u32(2), u32(30), UpdateFlag.NOEXIST)).toThrow(/EEXIST/);
      expect(map.lookup(u32(2))).toEqual(u32(20));
      const entries = map.entries().map(([k, v]) => [k[0], v[0]]);
      expect(entries.sort()).toEqual([
        [1, 10],
        [2, 20],
      ]);
      expect(() => map.lookup(new Uint8Array(3))).toThrow(/key is 3 bytes/);
    } finally {
      map.close();
    }
    expect(() => map.lookup(u32(1))).toThrow(/closed/);
  });

  it('exchanges one 8-byte-aligned value per possible CPU with per-CPU maps', () => {
    const map = KernelMap.create({ name: 'per_cpu', type: 'percpu_array', keySize: 4, valueSize: 4, maxEntries: 3, flags: 0 });
    try {
      expect(map.valueBytes % 8).toBe(0);
      expect(map.valueBytes).toBeGreaterThanOrEqual(8);
      const value = Uint8Array.from({ length: map.valueBytes }, (_, i) => (i % 8 < 4 ? i + 1 : 0));
      map.update(u32(2), value);
      expect(map.lookup(u32(2))).toEqual(value);
      expect(map.entries().map(([k]) => k[0])).toEqual([0, 1, 2]);
    } finally {
      map.close();
    }
  });

  it('explains test-run data the kernel cannot take', () => {
    const program = loadKernelProgram(loadObject(fixture('maps'), 'maps.bpf.o').programs[0]!, { type: 'xdp' });
    try {
      expect(() => testRun(program.fd, new Uint8Array(XDP_TEST_RUN_BYTES.min - 1))).toThrow(/at least 14 bytes/);
      expect(() => testRun(program.fd, new Uint8Array(XDP_TEST_RUN_BYTES.maxLinear + 1))).toThrow(/sees only the first 3520/);
      expect(testRun(program.fd, new Uint8Array(XDP_TEST_RUN_BYTES.maxLinear)).retval).toBe(2);
    } finally {
      program.close();
    }
  });
});
