// A hostile tenant (big copies and huge traces in bpf_loop, near-limit maps) beside a well-behaved one on one node.
import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/asm/assembler.js';
import { Link } from '../../src/net/link.js';
import { TenantAborted } from '../../src/storage/errors.js';
import { StorageNode } from '../../src/storage/node.js';
import { readBufferBytes, runPushdown } from '../../src/storage/pushdown.js';
import { runShipAll } from '../../src/storage/shipall.js';
import type { Tenant } from '../../src/storage/tenant.js';
import type { EngineName } from '../../src/vm/engine.js';
import { BudgetExceeded } from '../../src/vm/errors.js';
import { MapSpecError } from '../../src/vm/maps.js';
import { TRACE_LINE_BYTES } from '../../src/vm/runtime.js';
import { dataDirWith, decodeFilterSum, filterSumConsumer, filterSumProgram, generatedCsv } from './filter-sum-helpers.js';

const MAP_MEMORY = 1 << 20;
const TRACE_BYTES = 16 * 1024;
const CHUNK_BUDGET = 1_000_000;
const FORMAT_BYTES = 60_000;

/**
 * hostileProgram: bpf_loop with a million iterations, each copying 64 KiB with probe_read_kernel
 * and printing a 60,000-byte format; its maps take `padding` bytes more than the copy buffer
 * and the format (near the node's per-tenant limit).
 */
function hostileProgram(padding: number) {
  const format = Buffer.alloc(FORMAT_BYTES + 1, 'A'.charCodeAt(0));
  format[FORMAT_BYTES] = 0;
  return assemble(
    [
      '.map big array key=4 value=65536 entries=1',
      `.map fmt array key=4 value=${FORMAT_BYTES + 1} entries=1 readonly init=${format.toString('hex')}`,
      `.map pad array key=4 value=${padding} entries=1`,
      'r1 = 1000000',
      'r2 = func[work] ll',
      'r3 = 0',
      'r4 = 0',
      'call bpf_loop',
      'r0 = 1',
      'exit',
      'work:',
      'r1 = map[big][0] ll',
      'r2 = 65536',
      'r3 = map[big][0] ll',
      'call bpf_probe_read_kernel',
      'r1 = map[fmt][0] ll',
      `r2 = ${FORMAT_BYTES + 1}`,
      'call bpf_trace_printk',
      'r0 = 0',
      'exit',
    ].join('\n'),
    { name: 'hostile' },
  );
}

/** Maps of hostileProgram without padding: 64 KiB of copy buffer and the format rounded up to 8 bytes. */
const FIXED_MAP_BYTES = 65_536 + ((FORMAT_BYTES + 1 + 7) & ~7);

/** attachHostile reads `file` through the hook with the hostile program attached; returns the tenant and how it ended. */
async function attachHostile(node: StorageNode, file: string, engine: EngineName): Promise<{ tenant: Tenant; error: unknown }> {
  const pid = node.spawn();
  const buffer = node.memory(pid).allocate(readBufferBytes(node.chunkBytes));
  const fd = await node.open(pid, file);
  const spec = hostileProgram(MAP_MEMORY - FIXED_MAP_BYTES - 64);
  const tenant = node.attach({ pid, address: buffer }, spec, { tenant: 'hostile', engine, chunkBudget: CHUNK_BUDGET, inspect: true });
  try {
    while ((await node.read(pid, fd, buffer, readBufferBytes(node.chunkBytes))) > 0);
    return { tenant, error: undefined };
  } catch (error) {
    return { tenant, error };
  } finally {
    node.detach(tenant);
    await node.exit(pid);
  }
}

const dataDir = dataDirWith({ 'big.csv': generatedCsv(2000) });

describe.each(['interpreter', 'jit'] as const)('a hostile tenant beside a well-behaved one (%s)', (engine) => {
  const nodeOptions = { dataDir, chunkBytes: 512, engine, tenantMapMemory: MAP_MEMORY, tenantTraceBytes: TRACE_BYTES };

  it('leaves the well-behaved answer exact and its work within 1.00x of running alone, and stops the hostile within its budget', async () => {
    const link = new Link();
    const alone = await runPushdown({ node: new StorageNode(nodeOptions), link, file: 'big.csv', spec: filterSumProgram(), tenant: 'good' });
    const truth = await runShipAll({ node: new StorageNode({ dataDir }), link, file: 'big.csv', consumer: filterSumConsumer() });

    const node = new StorageNode(nodeOptions);
    const [hostile, good] = await Promise.all([
      attachHostile(node, 'big.csv', engine),
      runPushdown({ node, link, file: 'big.csv', spec: filterSumProgram(), tenant: 'good' }),
    ]);
    expect(decodeFilterSum(good.maps)).toEqual(truth.result);
    // Work is counted in instructions (helpers' charges included), not wall time, so the
    // comparison holds on a loaded machine: the hostile tenant does not add to the good one's.
    expect(good.stats.hook.instructions).toBe(alone.stats.hook.instructions);

    // The hostile tenant is stopped in its first call: each iteration is charged 8,192 units for
    // the copy and 2 x 128 for the trace line, so about 118 iterations fit in its budget.
    expect(hostile.error).toBeInstanceOf(TenantAborted);
    expect((hostile.error as TenantAborted).chunkIndex).toBe(0);
    expect((hostile.error as TenantAborted).cause).toBeInstanceOf(BudgetExceeded);
    const charged = Math.ceil(65_536 / 8) + 2 * Math.ceil(TRACE_LINE_BYTES / 8);
    const kept = Math.floor(TRACE_BYTES / TRACE_LINE_BYTES);
    const iterations = hostile.tenant.runtime.trace.length + hostile.tenant.runtime.traceDropped;
    expect(iterations).toBeLessThanOrEqual(Math.ceil(CHUNK_BUDGET / charged));
    expect(iterations).toBeGreaterThan(kept);
    // Its trace output is bounded: lines past the limit are dropped and counted.
    expect(hostile.tenant.runtime.trace).toHaveLength(kept);
    expect(hostile.tenant.runtime.traceDropped).toBe(iterations - kept);
  });

  it('refuses at attach, naming it, a map the node would not create for the tenant', async () => {
    const node = new StorageNode(nodeOptions);
    const pid = node.spawn();
    const buffer = node.memory(pid).allocate(readBufferBytes(node.chunkBytes));
    const attach = () => node.attach({ pid, address: buffer }, hostileProgram(MAP_MEMORY - FIXED_MAP_BYTES + 8), { tenant: 'greedy' });
    expect(attach).toThrow(MapSpecError);
    expect(attach).toThrow(/^map "pad" needs \d+ bytes for 1 entries \(with \d+ bytes of maps before it\), over the limit of 1048576 bytes of maps per tenant$/);
    expect(node.attachedTenants).toBe(0);
    await node.exit(pid);
  });
});
