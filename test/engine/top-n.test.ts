// Top-N in storage (ORDER BY … LIMIT n): each node keeps its best n rows; the answer equals ship-all's for every n, ties at the cut included.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runBaseline } from '../../src/baseline/scan.js';
import { compileQuery } from '../../src/codegen/compile.js';
import { executeClusterQuery } from '../../src/engine/cluster.js';
import { executeQuery } from '../../src/engine/execute.js';
import { planQuery } from '../../src/sql/bind.js';
import { explainPlan } from '../../src/sql/explain.js';
import { TOP_N_LIMIT } from '../../src/sql/top-n.js';
import { NodeService } from '../../src/storage/node-service.js';
import { DATE, INTEGER, decimalType } from '../../src/values/types.js';
import { csvTable, memoryCatalog } from '../sql/helpers.js';
import { InThreadNode } from './nodes.js';
import { scanWithInterpreter } from '../codegen/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-top-n-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const items = csvTable('items', join(dir, 'items.csv'), [
  ['id', INTEGER],
  ['grp', INTEGER],
  ['name', { kind: 'varchar', length: 12 }],
  ['day', DATE],
  ['price', decimalType(7, 2)],
]);
const catalog = memoryCatalog(items);

/** Item is one generated row, kept as numbers and strings so that the test sorts it independently of Sluice. */
interface Item { id: number; grp: number; name: string; day: string; cents: number }

/**
 * makeItems generates `count` rows whose keys tie often (grp has 4 values, price 9, name 6 with proper
 * prefixes, bytes above 0x7f and the empty string) in an order given by `shape`.
 */
function makeItems(count: number, shape: 'mixed' | 'ascending' | 'descending'): Item[] {
  const names = ['', 'a', 'ab', 'ab\x00', 'b', '\xe9t\xe9'];
  return Array.from({ length: count }, (_, i) => {
    const k = shape === 'mixed' ? (i * 7919) % count : shape === 'ascending' ? i : count - 1 - i;
    return { id: i + 1, grp: k % 4, name: names[(k * 5) % names.length] as string, day: `2020-0${(k % 9) + 1}-1${k % 10}`, cents: ((k * 37) % 9) * 125 - 300 };
  });
}

function writeItems(rows: readonly Item[]): void {
  const quote = (text: string) => `"${text}"`;
  const lines = rows.map((r) => `${r.id},${r.grp},${quote(r.name)},${r.day},${(r.cents / 100).toFixed(2)}`);
  writeFileSync(items.path, Buffer.from(`id,grp,name,day,price\n${lines.join('\n')}\n`, 'latin1'));
}

/** byteOrder compares strings as their bytes (each char one byte), a proper prefix first. */
const byteOrder = (a: string, b: string): number => (a === b ? 0 : a < b ? -1 : 1);

/** run answers by pushdown through the storage node (the program verified first) and checks ship-all's answer is the same. */
const run = (sql: string, chunkBytes = 4096) => executeQuery({ sql, queryFile: 'q.sql', catalog, engine: 'interpreter', chunkBytes, link: {}, compare: true, onError: 'stop' });

/** scan runs the compiled program over the file in chunks with the interpreter (no storage node, no verifier) and checks the csv-parse baseline's answer is the same. */
async function scan(sql: string, chunkBytes = 3000) {
  const plan = planQuery(sql, catalog, { file: 'q.sql' });
  const compiled = compileQuery(plan);
  const result = compiled.decode(scanWithInterpreter(compiled, readFileSync(items.path), chunkBytes).read);
  expect(result).toEqual(await runBaseline(plan));
  return { result, compiled };
}

describe('top-N in storage', () => {
  test('ties at the cut: every LIMIT gives the first rows in file order among equal keys, as ship-all does', async () => {
    const rows = makeItems(24, 'mixed');
    writeItems(rows);
    const expected = [...rows].sort((a, b) => a.grp - b.grp || a.id - b.id);
    for (let n = 1; n <= 26; n++) {
      const sql = `select id, grp from items where id > 0 order by grp limit ${n}`;
      const { result, compiled } = await scan(sql, n % 3 === 0 ? 7 : 3000);
      expect(compiled.top?.n).toBe(n);
      expect(result.rows, `LIMIT ${n}`).toEqual(expected.slice(0, n).map((r) => [BigInt(r.id), BigInt(r.grp)]));
    }
    const { result, pushdown, compiled } = await run('select id, grp from items where id > 0 order by grp limit 13');
    expect(result.rows).toEqual(expected.slice(0, 13).map((r) => [BigInt(r.id), BigInt(r.grp)]));
    expect(pushdown.returned).toEqual({ rows: 13, bytes: 13 * (compiled.top?.record.size ?? 0) });
  });

  test('numbers, dates, decimal expressions and strings, ascending and descending, with a key that is not selected', async () => {
    for (const shape of ['mixed', 'ascending', 'descending'] as const) {
      const rows = makeItems(120, shape);
      writeItems(rows);
      const n = 17;
      const price = await scan(`select id, price * 2 as twice from items where day >= date '2020-02-01' order by twice desc, day, id desc limit ${n}`, 512);
      const kept = rows.filter((r) => r.day >= '2020-02-01');
      const byPrice = [...kept].sort((a, b) => b.cents - a.cents || byteOrder(a.day, b.day) || b.id - a.id);
      expect(price.result.rows, shape).toEqual(byPrice.slice(0, n).map((r) => [BigInt(r.id), BigInt(r.cents * 2)]));
      const byName = await scan(`select name, id from items order by name desc, grp limit ${n}`, 64);
      const named = [...rows].sort((a, b) => -byteOrder(a.name, b.name) || a.grp - b.grp || a.id - b.id);
      expect(byName.result.rows, shape).toEqual(named.slice(0, n).map((r) => [r.name, BigInt(r.id)]));
      const hidden = await scan(`select id from items order by name, day desc limit ${n}`);
      const hiddenOrder = [...rows].sort((a, b) => byteOrder(a.name, b.name) || byteOrder(b.day, a.day) || a.id - b.id);
      expect(hidden.result.rows, shape).toEqual(hiddenOrder.slice(0, n).map((r) => [BigInt(r.id)]));
    }
  });

  test('a cluster merges the nodes\' best rows into the single node\'s answer', async () => {
    writeItems(makeItems(400, 'mixed'));
    const service = new NodeService({ dataDir: dir, chunkBytes: 512, engine: 'interpreter', link: {} });
    for (const [sql, counts] of [['select id, name from items order by grp desc, name limit 25', [2, 7]], ['select id from items where price > 0 order by price limit 3', [3]]] as const) {
      const single = await run(sql, 512);
      for (const n of counts) {
        const nodes = Array.from({ length: n }, (_, i) => new InThreadNode(i, service));
        const merged = await executeClusterQuery({ sql, queryFile: 'q.sql', catalog, chunkBytes: 512, onError: 'stop', nodes });
        expect(merged.result, `${sql} on ${n} nodes`).toEqual(single.result);
      }
    }
  });

  test('LIMIT 0 and LIMIT above the heap\'s limit return every kept row instead, and explain says why', async () => {
    writeItems(makeItems(30, 'mixed'));
    const plan = (limit: number) => planQuery(`select id from items order by price limit ${limit}`, catalog, { file: 'q.sql' });
    expect(compileQuery(plan(TOP_N_LIMIT)).top?.n).toBe(TOP_N_LIMIT);
    expect(explainPlan(plan(TOP_N_LIMIT))).toContain(`keeps the values of its best ${TOP_N_LIMIT} kept rows in a heap map`);
    for (const limit of [0, TOP_N_LIMIT + 1]) {
      expect(compileQuery(plan(limit)).top).toBeUndefined();
      expect(explainPlan(plan(limit))).toMatch(limit === 0 ? /after sorting every kept row: LIMIT 0 keeps no row/ : /above 1,024, the most rows the storage program keeps/);
      const { result, pushdown } = await run(`select id from items order by price limit ${limit}`);
      expect(result.rows.length).toBe(Math.min(limit, 30));
      expect(pushdown.returned?.rows).toBe(30);
    }
  });
});
