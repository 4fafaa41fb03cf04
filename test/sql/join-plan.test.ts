// Join planning: probe and build sides, conditions moved to the build side, flags, and refusals with line and column.
import { describe, expect, test } from 'vitest';
import { buildMapLayout } from '../../src/codegen/layout.js';
import { planQuery } from '../../src/sql/bind.js';
import { isFlag } from '../../src/sql/join-plan.js';
import type { JoinBuild } from '../../src/sql/plan.js';
import { QueryError } from '../../src/sql/errors.js';
import { formatExpr } from '../../src/sql/explain.js';
import { INTEGER } from '../../src/values/types.js';
import { csvTable, memoryCatalog, tpchTable } from './helpers.js';

// Files that do not exist count as empty, so the first table in FROM is the probe side here.
const catalog = memoryCatalog(
  tpchTable('lineitem'), tpchTable('orders'), tpchTable('part'), tpchTable('customer'),
  csvTable('t1', 't1.csv', [['id', INTEGER], ['v', INTEGER]]),
  csvTable('t2', 't2.csv', [['id', INTEGER], ['w', INTEGER]]),
);

/** withoutPositions is a plan part as JSON without the SQL positions (`at`), which differ between two spellings. */
function withoutPositions(part: unknown): string {
  return JSON.stringify(part, (key, value: unknown) => (key === 'at' ? undefined : typeof value === 'bigint' ? `${value}n` : value));
}

function refusal(sql: string): string {
  try {
    planQuery(sql, catalog, { file: 'q.sql' });
  } catch (error) {
    expect(error).toBeInstanceOf(QueryError);
    return (error as QueryError).message;
  }
  throw new Error(`planned: ${sql}`);
}

describe('join plans', () => {
  test('comma join and JOIN ... ON give the same plan; qualified names resolve', () => {
    const comma = planQuery('select sum(l_tax) from lineitem, orders where l_orderkey = o_orderkey and o_orderstatus = \'F\'', catalog);
    const on = planQuery('select sum(lineitem.l_tax) from lineitem join orders on lineitem.l_orderkey = orders.o_orderkey where o_orderstatus = \'F\'', catalog);
    expect(withoutPositions(on.filter)).toEqual(withoutPositions(comma.filter));
    expect(withoutPositions(on.join)).toEqual(withoutPositions(comma.join));
    const build = comma.join?.builds[0];
    expect(build?.table.name).toBe('orders');
    expect(build?.key.name).toBe('o_orderkey');
    expect(formatExpr(build?.filter ?? { kind: 'truth', value: true })).toBe("o_orderstatus = 'F'");
    expect(formatExpr(comma.filter ?? { kind: 'truth', value: true })).toBe('l_orderkey found in build map #0');
    expect(comma.usedColumns).toEqual([0, 7]);
  });

  test('conditions on a build table inside OR become one flag per branch, and their OR filters the build side', () => {
    const plan = planQuery(`select count(*) from lineitem, part
      where (p_partkey = l_partkey and p_brand = 'A' and l_quantity < 5) or (p_partkey = l_partkey and p_size > 3 and l_quantity > 40)`, catalog);
    const build = plan.join?.builds[0];
    expect(build?.values.map((value) => value.name)).toEqual(['part_condition_1', 'part_condition_2']);
    expect(formatExpr(build?.filter ?? { kind: 'truth', value: true })).toBe("p_brand = 'A' or p_size > 3");
    expect(formatExpr(plan.filter ?? { kind: 'truth', value: true })).toBe(
      'l_partkey found in build map #0 and ((l_quantity < 5.00 and part_condition_1 = 1) or (l_quantity > 40.00 and part_condition_2 = 1))',
    );
  });

  test('a build column selected as a group key travels in the map', () => {
    const plan = planQuery('select o_orderpriority, count(*) from lineitem join orders on o_orderkey = l_orderkey group by o_orderpriority', catalog);
    expect(plan.join?.builds[0]?.values.map((value) => [value.name, value.column])).toEqual([['o_orderpriority', 16]]);
    expect(plan.groupBy).toEqual([{ kind: 'column', column: 16, name: 'o_orderpriority', type: { kind: 'char', length: 15 } }]);
  });
});

describe('join refusals point at line and column', () => {
  test.each([
    ['select sum(v) from t1, t2\nwhere id = id', "q.sql:2:7: column 'id' is ambiguous: t1 and t2 both have it; write t1.id or t2.id"],
    ['select count(*) from lineitem, orders, customer where l_orderkey = o_orderkey and o_custkey = c_custkey', 'q.sql:1:83: a condition between orders and customer joins two smaller tables; each must be joined to lineitem, the largest table, which is scanned in storage'],
    ['select count(*) from lineitem, orders where l_orderkey < o_orderkey', "q.sql:1:32: table 'orders' is joined to lineitem by no equality of columns (such as orders.key = lineitem.key); only equality joins with the largest table are supported"],
    ['select count(*) from lineitem join orders on l_shipdate = o_orderdate', 'q.sql:1:46: join keys must be integer columns; l_shipdate is date'],
    ['select count(*) from lineitem, lineitem', "q.sql:1:22: table 'lineitem' appears twice in FROM; self-joins are not supported"],
    ['select sum(x.l_tax) from lineitem, orders where l_orderkey = o_orderkey', "q.sql:1:12: unknown table 'x' in 'x.l_tax'"],
    ['select sum(orders.l_tax) from lineitem, orders where l_orderkey = o_orderkey', "q.sql:1:12: table 'orders' has no column 'l_tax'"],
    ['select count(*) from lineitem cross join orders', 'q.sql:1:31: CROSS JOIN is not supported; only inner joins (JOIN ... ON, or tables separated by commas with the join condition in WHERE)'],
    ['select count(*) from lineitem join orders using (l_orderkey)', 'q.sql:1:43: JOIN ... USING is not supported; write JOIN ... ON a = b'],
    ['select count(*) from lineitem, orders where l_orderkey in (select o_orderkey from orders)', 'q.sql:1:60: subqueries are not supported'],
    ['select count(*) from lineitem, ordrs where l_orderkey = o_orderkey', "q.sql:1:32: unknown table 'ordrs' (did you mean 'orders'?)"],
  ])('%s', (sql, expected) => {
    expect(refusal(sql)).toBe(expected);
  });
});

describe('build map values', () => {
  test('a CASE WHEN c THEN 1 ELSE 0 END over build columns is one bit of the map, never NULL (Q12: one byte per order)', () => {
    const plan = planQuery(
      "select l_shipmode, sum(case when o_orderpriority = '1-URGENT' or o_orderpriority = '2-HIGH' then 1 else 0 end), " +
        "sum(case when o_orderpriority <> '1-URGENT' and o_orderpriority <> '2-HIGH' then 1 else 0 end) " +
        'from lineitem, orders where o_orderkey = l_orderkey group by l_shipmode',
      catalog,
    );
    const build = plan.join?.builds[0];
    expect(build?.values.map((value) => isFlag(value.expr))).toEqual([true, true]);
    const layout = buildMapLayout(build as JoinBuild);
    expect(layout.valueSize).toBe(1);
    expect(layout.slots.map((slot) => [slot.kind, slot.nullBit])).toEqual([['flag', undefined], ['flag', undefined]]);
  });

  test('a CASE WHEN c THEN 2 ELSE 0 END is a word, not a flag', () => {
    const plan = planQuery("select sum(case when o_orderpriority = '1-URGENT' then 2 else 0 end) from lineitem, orders where o_orderkey = l_orderkey", catalog);
    expect(plan.join?.builds[0]?.values.map((value) => isFlag(value.expr))).toEqual([false]);
  });
});
