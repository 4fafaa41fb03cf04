// A query run with the program store keeps its emitted program there, and the next run takes it (same program, same answer); a join's probe program is not kept, and a cluster query keeps its program on the compute node.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { specToRecord } from '../../src/asm/spec-record.js';
import { runCluster } from '../../src/engine/cluster.js';
import { executeQuery } from '../../src/engine/execute.js';
import { NodeService } from '../../src/storage/node-service.js';
import { ProgramStore } from '../../src/storage/program-store.js';
import { INTEGER, decimalType } from '../../src/values/types.js';
import { csvTable, memoryCatalog } from '../sql/helpers.js';
import { InThreadNode } from './nodes.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-emitted-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const orders = csvTable('orders', join(dir, 'orders.csv'), [['id', INTEGER], ['amount', decimalType(7, 2)]]);
const lines = csvTable('lines', join(dir, 'lines.csv'), [['order_id', INTEGER], ['qty', INTEGER]]);
writeFileSync(orders.path, `id,amount\n${Array.from({ length: 50 }, (_, i) => `${i},${i * 1.25}`).join('\n')}\n`);
writeFileSync(lines.path, `order_id,qty\n${Array.from({ length: 120 }, (_, i) => `${i % 50},${i % 7}`).join('\n')}\n`);
const catalog = memoryCatalog(orders, lines);
const BUILD = '12'.repeat(32);

const run = (sql: string, store?: ProgramStore) =>
  executeQuery({ sql, queryFile: 'q.sql', catalog, engine: 'interpreter', chunkBytes: 128, link: {}, compare: false, onError: 'stop', ...(store && { store }) });
const kinds = (storeDir: string) => readdirSync(join(storeDir, BUILD)).map((name) => name.split('-')[0]).sort();

describe('emitted programs in the program store', () => {
  it('keeps a query\'s program, and a later run takes it with the same program and answer', async () => {
    const storeDir = join(dir, 'store');
    const sql = 'select count(*), sum(amount) from orders where id between 3 and 40';
    const plain = await run(sql);
    const first = await run(sql, ProgramStore.open(storeDir, BUILD));
    expect(kinds(storeDir)).toContain('program');
    const second = await run(sql, ProgramStore.open(storeDir, BUILD));
    expect(second.compiled.spec).toEqual(plain.compiled.spec);
    expect(first.result).toEqual(plain.result);
    expect(second.result).toEqual(plain.result);
    // The record is what a run takes: one signed with another comment on the first slot comes back as it is.
    const store = ProgramStore.open(storeDir, BUILD)!;
    const key = readdirSync(join(storeDir, BUILD)).find((name) => name.startsWith('program-'))!.slice('program-'.length);
    store.put('program', key, Buffer.from(specToRecord({ ...plain.compiled.spec, comments: new Map([[0, 'planted']]) })!));
    const third = await run(sql, store);
    expect(third.compiled.spec.comments).toEqual(new Map([[0, 'planted']]));
    expect(third.result).toEqual(plain.result);
  });

  it('keeps a cluster query\'s program too, on the compute node, in the store at the place its options name (for its worker nodes)', async () => {
    const sql = 'select count(*), sum(amount) from orders where id > 7';
    const service = new NodeService({ dataDir: dir, chunkBytes: 128, engine: 'interpreter', link: {} });
    const nodes = [0, 1].map((i) => new InThreadNode(i, service));
    const cluster = await runCluster({ sql, queryFile: 'q.sql', catalog, chunkBytes: 128, onError: 'stop', engine: 'interpreter', link: {}, compare: false, nodes, store: { dir: join(dir, 'cluster-store'), build: BUILD } });
    expect(cluster.result).toEqual((await run(sql)).result);
    expect(kinds(join(dir, 'cluster-store'))).toContain('program');
  });

  it('does not keep a join\'s probe program, which carries its build maps', async () => {
    const storeDir = join(dir, 'join-store');
    const sql = 'select sum(qty) from lines join orders on order_id = id where amount > 10';
    const plain = await run(sql);
    const stored = await run(sql, ProgramStore.open(storeDir, BUILD));
    expect(stored.result).toEqual(plain.result);
    expect(kinds(storeDir)).not.toContain('program');
  });
});
