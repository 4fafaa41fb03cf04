// The storage node's read path: chunking, the hook context, end-of-file flush, page cache and devices, errors.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/assembler.js';
import { Link } from '../../src/net/link.js';
import { StorageError } from '../../src/storage/errors.js';
import { HookFlag } from '../../src/storage/hook-context.js';
import { StorageNode } from '../../src/storage/node.js';
import { runPushdown } from '../../src/storage/pushdown.js';
import { runShipAll } from '../../src/storage/shipall.js';
import { UsageError } from '../../src/util/errors.js';
import { VerifierError } from '../../src/verifier/index.js';
import { dataDirWith, decodeFilterSum, FIXTURES, filterSumConsumer, filterSumProgram, generatedCsv } from './filter-sum-helpers.js';

const contextLog = assemble(readFileSync(new URL('context-log.s', FIXTURES), 'utf8'), { file: 'context-log.s' });
const text = 'abcdefghij'.repeat(25); // 250 bytes
const dataDir = dataDirWith({ 'letters.txt': text, 'empty.txt': '', 'big.csv': generatedCsv(3000) });

/** calls reads the context-log map back: chunk_index -> [flags, file_offset, file_size, has data, first byte]. */
function calls(maps: Awaited<ReturnType<typeof runPushdown>>['maps']): Map<number, bigint[]> {
  const out = new Map<number, bigint[]>();
  for (const [key, value] of maps[0]!.entries) {
    const v = new DataView(value.buffer, value.byteOffset);
    out.set(new DataView(key.buffer, key.byteOffset).getUint32(0, true), [0, 8, 16, 24, 32].map((o) => v.getBigUint64(o, true)));
  }
  return out;
}

describe('read path and hook context', () => {
  it('hands the program each chunk with its index, offset, size and flags, then an empty flush call', async () => {
    const node = new StorageNode({ dataDir, chunkBytes: 100 });
    const log = calls((await runPushdown({ node, link: new Link(), file: 'letters.txt', spec: contextLog })).maps);
    expect([...log.keys()].sort()).toEqual([0, 1, 2, 3]);
    expect(log.get(0)).toEqual([BigInt(HookFlag.FIRST), 0n, 250n, 1n, 97n]); // 'a'
    expect(log.get(1)).toEqual([0n, 100n, 250n, 1n, 97n]);
    expect(log.get(2)).toEqual([BigInt(HookFlag.LAST), 200n, 250n, 1n, 97n]);
    expect(log.get(3)).toEqual([BigInt(HookFlag.EOF_FLUSH), 250n, 250n, 0n, 0n]);
  });

  it('makes only the flush call for an empty file', async () => {
    const node = new StorageNode({ dataDir });
    const { maps, stats } = await runPushdown({ node, link: new Link(), file: 'empty.txt', spec: contextLog });
    expect(calls(maps).get(0)).toEqual([BigInt(HookFlag.EOF_FLUSH | HookFlag.FIRST), 0n, 0n, 0n, 0n]);
    expect(stats.hook).toMatchObject({ calls: 1, chunks: 0, bytes: 0 });
  });

  it('copies every byte to user space when no tenant is attached', async () => {
    const node = new StorageNode({ dataDir, chunkBytes: 3 });
    const pid = node.spawn();
    const buffer = node.memory(pid).allocate(64);
    const fd = await node.open(pid, 'letters.txt');
    let got = '';
    for (let n; (n = await node.read(pid, fd, buffer, 64)) > 0; ) got += Buffer.from(node.memory(pid).read(buffer, n)).toString();
    expect(got).toBe(text);
    // Chunks end at multiples of 3 (83 of them below 250) and at read ends 64 and 128 (192 is a multiple of 3): 86 chunks.
    expect(node.counts).toMatchObject({ copiedBytes: 250, notCopiedBytes: 0, chunks: 86 });
    await node.exit(pid);
  });

  it('gives the same answer on the JIT as on the interpreter', async () => {
    const link = new Link();
    const answer = async (engine: 'interpreter' | 'jit') =>
      decodeFilterSum((await runPushdown({ node: new StorageNode({ dataDir, chunkBytes: 512 }), link, file: 'big.csv', spec: filterSumProgram(), engine })).maps);
    const viaInterpreter = await answer('interpreter');
    expect(await answer('jit')).toEqual(viaInterpreter);
    expect(viaInterpreter.count).toBeGreaterThan(1000n);
  });
});

describe('page cache and devices', () => {
  it('reads a cold file from the devices and a warm one from the cache', async () => {
    const node = new StorageNode({ dataDir });
    const link = new Link();
    const size = Buffer.byteLength(generatedCsv(3000));
    const pages = Math.ceil(size / 4096);
    const cold = (await runShipAll({ node, link, file: 'big.csv', consumer: filterSumConsumer() })).stats;
    expect(cold.device).toEqual({ bytesRead: size, requests: 1, pageHits: 0, pageMisses: pages });
    expect(cold.stages.device).toBeCloseTo(80e-6 + size / 3.5e9, 12);
    const warm = (await runPushdown({ node, link, file: 'big.csv', spec: filterSumProgram() })).stats;
    expect(warm.device).toEqual({ bytesRead: 0, requests: 0, pageHits: pages, pageMisses: 0 });
    expect(warm.stages.device).toBe(0);
  });

  it('issues one request per read-ahead window of missing pages', async () => {
    // 4 devices x 8 KiB stripe units = 32 KiB windows.
    const node = new StorageNode({ dataDir, devices: { count: 4, stripeBytes: 8192 } });
    const size = Buffer.byteLength(generatedCsv(3000));
    const { stats } = await runPushdown({ node, link: new Link(), file: 'big.csv', spec: filterSumProgram() });
    expect(stats.device.requests).toBe(Math.ceil(size / 32768));
    expect(stats.device.bytesRead).toBe(size);
  });
});

describe('refusals', () => {
  it('refuses paths outside the data directory and missing files', async () => {
    const node = new StorageNode({ dataDir });
    const pid = node.spawn();
    await expect(node.open(pid, '../../etc/passwd')).rejects.toThrow(/outside the node's data directory/);
    await expect(node.open(pid, 'nope.csv')).rejects.toThrow(new StorageError('nope.csv: cannot open (ENOENT)'));
  });

  it('refuses an engine it does not know', () => {
    expect(() => new StorageNode({ dataDir, engine: 'abacus' as never })).toThrow(UsageError);
    const node = new StorageNode({ dataDir });
    const pid = node.spawn();
    const buffer = node.memory(pid).allocate(64);
    expect(() => node.attach({ pid, address: buffer }, contextLog, { tenant: 't', engine: 'abacus' as never })).toThrow(
      /unknown engine 'abacus' \(engines: interpreter, jit, kernel\)/,
    );
  });

  it('refuses chunk sizes outside 1 .. 64 KiB', () => {
    expect(() => new StorageNode({ dataDir, chunkBytes: 0 })).toThrow(UsageError);
    expect(() => new StorageNode({ dataDir, chunkBytes: 65537 })).toThrow(/chunk size must be 1 to 65536 bytes/);
  });

  it('refuses a read into memory the process does not own', async () => {
    const node = new StorageNode({ dataDir });
    const pid = node.spawn();
    const buffer = node.memory(pid).allocate(16);
    const fd = await node.open(pid, 'letters.txt');
    await expect(node.read(pid, fd, buffer, 64)).rejects.toThrow(/EFAULT/);
  });

  it("refuses an unsafe program with the verifier's error and cleans up", async () => {
    const oob = assemble(readFileSync(new URL('oob.s', FIXTURES), 'utf8'), { file: 'oob.s' });
    const node = new StorageNode({ dataDir });
    const run = runPushdown({ node, link: new Link(), file: 'letters.txt', spec: oob });
    await expect(run).rejects.toThrow(VerifierError);
    await expect(run).rejects.toThrow(/^insn #0: /);
    expect(node.attachedTenants).toBe(0);
    expect(node.counts.chunks).toBe(0);
  });

  it('refuses a second tenant on the same buffer', async () => {
    const node = new StorageNode({ dataDir });
    const pid = node.spawn();
    const buffer = node.memory(pid).allocate(4096);
    node.attach({ pid, address: buffer }, contextLog, { tenant: 'one' });
    expect(() => node.attach({ pid, address: buffer + 8 }, contextLog, { tenant: 'two' })).toThrow(/already has a tenant/);
    await node.exit(pid);
    expect(node.attachedTenants).toBe(0);
  });
});
