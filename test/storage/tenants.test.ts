// Concurrent tenants on one node: isolation, interleaving, aborts (bad action, budgets, faults) and cleanup.
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { assemble } from '../../src/asm/assembler.js';
import { Link } from '../../src/net/link.js';
import { TenantAborted } from '../../src/storage/errors.js';
import { DEFAULT_BLOCK_BYTES } from '../../src/storage/file-reader.js';
import { StorageNode } from '../../src/storage/node.js';
import { type PushdownResult, runPushdown } from '../../src/storage/pushdown.js';
import { runShipAll } from '../../src/storage/shipall.js';
import { Tenant } from '../../src/storage/tenant.js';
import { BudgetExceeded, OutOfBoundsAccess } from '../../src/vm/errors.js';
import { ENGINES } from '../../src/vm/engines.js';
import { Interpreter } from '../../src/vm/interpreter.js';
import { INPUT_BASE } from '../../src/vm/memory.js';
import { dataDirWith, decodeFilterSum, FIXTURES, filterSumConsumer, filterSumProgram, generatedCsv, peopleVariants } from './filter-sum-helpers.js';

function fixture(name: string) {
  return assemble(readFileSync(new URL(name, FIXTURES), 'utf8'), { file: name, name: name.replace('.s', '') });
}

const dataDir = dataDirWith({ ...peopleVariants(), 'big.csv': generatedCsv(2000) });

describe('concurrent tenants', () => {
  it('abort the faulty and the greedy tenant and let the correct one finish', async () => {
    const node = new StorageNode({ dataDir, chunkBytes: 100 });
    const link = new Link();
    const [bad, greedy, good] = await Promise.allSettled([
      runPushdown({ node, link, file: 'big.csv', spec: fixture('bad-action.s'), tenant: 'bad' }),
      runPushdown({ node, link, file: 'big.csv', spec: fixture('spin.s'), tenant: 'greedy', chunkBudget: 50_000 }),
      runPushdown({ node, link, file: 'people.csv', spec: filterSumProgram(), tenant: 'good' }),
    ]);
    expect(bad.status).toBe('rejected');
    const badError = (bad as PromiseRejectedResult).reason as TenantAborted;
    expect(badError).toBeInstanceOf(TenantAborted);
    expect(badError).toMatchObject({ tenant: 'bad', chunkIndex: 3, fileOffset: 300 });
    expect(badError.message).toBe(
      'tenant "bad" aborted at chunk 3 (file offset 300): program returned 7, expected XDP_DROP (1) or XDP_PASS (2)',
    );

    const greedyError = (greedy as PromiseRejectedResult).reason as TenantAborted;
    expect(greedyError).toMatchObject({ tenant: 'greedy', chunkIndex: 0, fileOffset: 0 });
    expect(greedyError.cause).toBeInstanceOf(BudgetExceeded);
    expect(greedyError.message).toMatch(/^tenant "greedy" aborted at chunk 0 \(file offset 0\): instruction budget of 50000/);

    expect(good.status).toBe('fulfilled');
    expect(decodeFilterSum((good as PromiseFulfilledResult<PushdownResult>).value.maps)).toEqual({ sum: 387n, count: 4n });
    expect(node.attachedTenants).toBe(0);
  });

  it('interleave chunk by chunk and keep each tenant to its own maps', async () => {
    const node = new StorageNode({ dataDir, chunkBytes: 64 });
    const order: number[] = [];
    const copyOut = node.copyOut.bind(node);
    vi.spyOn(node, 'copyOut').mockImplementation((destination, chunk, length) => {
      order.push(destination.pid);
      copyOut(destination, chunk, length);
    });
    const link = new Link();
    const [a, b] = await Promise.all([
      runPushdown({ node, link, file: 'big.csv', spec: filterSumProgram(), tenant: 'a' }),
      runPushdown({ node, link, file: 'big.csv', spec: filterSumProgram(), tenant: 'b' }),
    ]);
    const alone = await runShipAll({ node: new StorageNode({ dataDir }), link, file: 'big.csv', consumer: filterSumConsumer() });
    expect(decodeFilterSum(a.maps)).toEqual(alone.result);
    expect(decodeFilterSum(b.maps)).toEqual(alone.result); // shared maps would have counted every row twice
    // Each run reports its own share of the shared node and link.
    const size = alone.stats.fileBytes;
    for (const run of [a, b]) {
      expect(run.stats.userSpace).toEqual({ copiedBytes: 0, notCopiedBytes: size });
      expect(run.stats.hook.bytes).toBe(size);
      expect(run.stats.link.toCompute.payloadBytes).toBe(a.stats.link.toCompute.payloadBytes);
    }
    expect(link.counts.toStorage.payloadBytes).toBe(2 * a.stats.link.toStorage.payloadBytes + alone.stats.link.toStorage.payloadBytes);
    // The file is read from the devices once; whichever reader came second found its pages cached.
    expect(a.stats.device.bytesRead + b.stats.device.bytesRead).toBe(size);
    expect(a.stats.device.pageHits + b.stats.device.pageHits).toBe(a.stats.device.pageMisses + b.stats.device.pageMisses);
    // Once both read, no tenant runs two chunks in a row until one of them is done.
    const [first, second] = [...new Set(order)];
    const overlap = order.slice(order.indexOf(second!), Math.min(order.lastIndexOf(first!), order.lastIndexOf(second!)));
    expect(overlap.length).toBeGreaterThan(4);
    for (let i = 1; i < overlap.length; i++) expect(overlap[i]).not.toBe(overlap[i - 1]);
  });

  it('abort a tenant over its query budget after the chunk that crossed it', async () => {
    const node = new StorageNode({ dataDir, chunkBytes: 4096 });
    const run = runPushdown({ node, link: new Link(), file: 'big.csv', spec: filterSumProgram(), tenant: 'q', queryBudget: 100_000 });
    await expect(run).rejects.toThrow(/^tenant "q" aborted at chunk \d+ \(file offset \d+\): query instruction budget of 100000 exceeded/);
    expect(node.attachedTenants).toBe(0);
  });
});

describe('Tenant', () => {
  it('turns a run-time fault into TenantAborted with chunk, offset and the VM error', () => {
    const tenant = new Tenant(fixture('oob.s'), { name: 'oob', engine: new Interpreter() });
    const chunk = { source: new Uint8Array(10), start: 0, length: 10, flags: 0, index: 5, fileOffset: 20480, fileSize: 40000 };
    expect(() => tenant.run(chunk)).toThrow(TenantAborted);
    expect(tenant.aborted?.cause).toBeInstanceOf(OutOfBoundsAccess);
    expect(tenant.aborted?.message).toMatch(/^tenant "oob" aborted at chunk 5 \(file offset 20480\): out-of-bounds access/);
    expect(() => tenant.run(chunk)).toThrow(tenant.aborted!);
  });

  it('passes chunks on when the program says XDP_PASS, and counts both kinds', async () => {
    const node = new StorageNode({ dataDir, chunkBytes: 7 });
    const { maps, stats } = await runPushdown({ node, link: new Link(), file: 'people.csv', spec: fixture('pass-count.s') });
    const size = peopleVariants()['people.csv']!.length;
    const calls = new DataView(maps[0]!.entries[0]![1].buffer).getBigUint64(0, true);
    expect(calls).toBe(BigInt(Math.ceil(size / 7) + 1));
    expect(stats.userSpace).toEqual({ copiedBytes: size, notCopiedBytes: 0 });
  });
});

describe('Tenant read blocks (zero copy)', () => {
  // r0 = the chunk's byte at data + OFFSET (inspect mode counts r0, so the value read comes back).
  const readAt = (offset: number) => assemble(`r2 = *(u32 *)(r1 + 0)\nr0 = *(u8 *)(r2 + ${offset})\nexit\n`, { file: 'read-at.s', section: 'xdp' });

  for (const engine of ENGINES) {
    it(`lets the ${engine.name} program read the chunk where the file was read, and nothing around it`, () => {
      const tenant = new Tenant(readAt(2), { name: 'reader', engine, inspect: true, readBlockBytes: 64 });
      const block = tenant.readBlocks(64)!(1);
      block.set([10, 11, 12, 13, 14, 15, 16, 17]);
      expect(block.buffer).toBe(tenant.runtime.space.memory.buffer);
      tenant.run({ source: block, start: 3, length: 4, flags: 0, index: 0, fileOffset: 0, fileSize: 8 });
      expect([...tenant.returns]).toEqual([[15n, 1]]);
      const input = tenant.runtime.space.input;
      expect([input.start, input.end - input.start]).toEqual([block.byteOffset + 3, 4]);
      expect(tenant.runtime.space.bytes.subarray(INPUT_BASE, INPUT_BASE + 8)).toEqual(new Uint8Array(8)); // nothing was copied

      const past = new Tenant(readAt(4), { name: 'past', engine, readBlockBytes: 64 });
      const other = past.readBlocks(64)!(0);
      other.fill(7);
      expect(() => past.run({ source: other, start: 3, length: 4, flags: 0, index: 0, fileOffset: 0, fileSize: 8 })).toThrow(TenantAborted);
      expect(past.aborted?.cause).toBeInstanceOf(OutOfBoundsAccess);
    });
  }

  it('is how the node hands a tenant its chunks: the file is read into the tenant\'s read blocks', async () => {
    const node = new StorageNode({ dataDir, chunkBytes: 16 });
    const pid = node.spawn();
    const buffer = node.memory(pid).allocate(64);
    const fd = await node.open(pid, 'people.csv');
    const tenant = node.attach({ pid, address: buffer }, fixture('pass-count.s'), { tenant: 't' });
    await node.read(pid, fd, buffer, 64);
    const { input } = tenant.runtime.space;
    const blocks = tenant.readBlocks(DEFAULT_BLOCK_BYTES)!;
    expect(input.start).toBe(blocks(0).byteOffset + 48); // the 4th chunk, in place in block 0
    expect(Buffer.from(node.memory(pid).read(buffer, 64)).toString('latin1')).toBe(peopleVariants()['people.csv']!.slice(0, 64)); // XDP_PASS still copies
    await node.exit(pid);
  });

  it('starts every read block on a page of the host, whatever the maps before it take (a misaligned read(2) copy is several times slower)', () => {
    for (const valueSize of [1, 8, 12, 4100]) {
      const spec = { ...readAt(1), maps: [{ name: 'm', type: 'array' as const, keySize: 4, valueSize, maxEntries: 3, flags: 0 }] };
      const blocks = new Tenant(spec, { name: 'aligned', engine: new Interpreter(), readBlockBytes: 100 }).readBlocks(100)!;
      expect([blocks(0).byteOffset % 4096, blocks(1).byteOffset % 4096]).toEqual([0, 0]);
    }
  });

  it('copies a chunk that lies outside the tenant\'s memory, and has no read blocks unless asked for', () => {
    const tenant = new Tenant(readAt(1), { name: 'copy', engine: new Interpreter(), inspect: true });
    expect(tenant.readBlocks(64)).toBeUndefined();
    tenant.run({ source: Uint8Array.of(1, 2, 3), start: 0, length: 3, flags: 0, index: 0, fileOffset: 0, fileSize: 3 });
    expect([...tenant.returns]).toEqual([[2n, 1]]);
    expect(tenant.runtime.space.input.start).toBe(INPUT_BASE);
  });
});
