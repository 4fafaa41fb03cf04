// DISTINCT through the group map as a hash set: COUNT(DISTINCT x) and SELECT DISTINCT, exact against ship-all and merged across nodes as a union.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { executeClusterQuery } from '../../src/engine/cluster.js';
import { executeQuery } from '../../src/engine/execute.js';
import { NodeService } from '../../src/storage/node-service.js';
import { INTEGER, decimalType } from '../../src/values/types.js';
import { csvTable, memoryCatalog } from '../sql/helpers.js';
import { InThreadNode } from './nodes.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-distinct-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sales = csvTable('sales', join(dir, 'sales.csv'), [
  ['id', INTEGER],
  ['shop', { kind: 'varchar', length: 8 }],
  ['customer', INTEGER],
  ['amount', decimalType(7, 2)],
]);
const catalog = memoryCatalog(sales);
// 300 sales: shop s0..s4 by id % 5, customer id % 37, so each shop sees every customer it meets 37 apart.
writeFileSync(sales.path, `id,shop,customer,amount\n${Array.from({ length: 300 }, (_, i) => `${i},s${i % 5},${i % 37},${(i % 11) * 1.5}`).join('\n')}\n`);

const single = (sql: string, maxGroups?: number) =>
  executeQuery({ sql, queryFile: 'q.sql', catalog, engine: 'interpreter', chunkBytes: 256, link: {}, compare: true, onError: 'stop', ...(maxGroups && { maxGroups }) });

describe('DISTINCT', () => {
  const service = new NodeService({ dataDir: dir, chunkBytes: 256, engine: 'interpreter', link: {} });
  test.each([
    ['select count(distinct customer) as n from sales where amount > 3', [[37n]]],
    ['select count(distinct customer) as n from sales where amount > 99', [[0n]]],
    ['select shop, count(distinct customer) from sales where id < 100 group by shop order by shop', [['s0', 20n], ['s1', 20n], ['s2', 20n], ['s3', 20n], ['s4', 20n]]],
    ['select count(distinct shop) from sales', [[5n]]],
    ['select distinct shop from sales where customer = 3 order by shop desc limit 3', [['s4'], ['s3'], ['s2']]],
    ['select distinct customer, shop from sales where id between 10 and 13 order by 1', [[10n, 's0'], [11n, 's1'], [12n, 's2'], [13n, 's3']]],
  ])('%s: equals ship-all, and 2 or 3 nodes merge to it', async (sql, rows) => {
    const one = await single(sql);
    expect(one.result.rows).toEqual(rows);
    for (const n of [2, 3]) {
      const nodes = Array.from({ length: n }, (_, i) => new InThreadNode(i, service));
      const merged = await executeClusterQuery({ sql, queryFile: 'q.sql', catalog, chunkBytes: 256, onError: 'stop', nodes });
      expect(merged.result, `${n} nodes`).toEqual(one.result);
    }
  });

  test('refuses past the hash set\'s limit, naming it and the option; after a merge too', async () => {
    await expect(single('select count(distinct id) from sales', 100)).rejects.toThrow(/more than 100 distinct id values: COUNT\(DISTINCT id\) keeps them in the group map, which holds 100 \(raise the limit with --max-groups\)/);
    const nodes = Array.from({ length: 3 }, (_, i) => new InThreadNode(i, service));
    await expect(executeClusterQuery({ sql: 'select count(distinct id) from sales', queryFile: 'q.sql', catalog, chunkBytes: 256, onError: 'stop', maxGroups: 120, nodes })).rejects.toThrow(/more than 120 distinct id values.*\; the union has 300 groups/);
  });
});
