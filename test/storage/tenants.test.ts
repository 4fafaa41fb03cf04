// Concurrent tenants on one node: isolation, interleaving, aborts (bad action, budgets, faults) and cleanup.
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { assemble } from '../../src/asm/assembler.js';
import { Link } from '../../src/net/link.js';
import { TenantAborted } from '../../src/storage/errors.js';
import { StorageNode } from '../../src/storage/node.js';
import { type PushdownResult, runPushdown } from '../../src/storage/pushdown.js';
import { runShipAll } from '../../src/storage/shipall.js';
import { Tenant } from '../../src/storage/tenant.js';
import { BudgetExceeded, OutOfBoundsAccess } from '../../src/vm/errors.js';
import { Interpreter } from '../../src/vm/interpreter.js';
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
    const chunk = { bytes: new Uint8Array(10), flags: 0, index: 5, fileOffset: 20480, fileSize: 40000 };
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
