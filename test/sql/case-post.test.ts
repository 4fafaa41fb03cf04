// CASE in rows and expressions over aggregates: NULL skipping, exact division and its rounding, refusals; program against ship-all.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { createBaselineConsumer } from '../../src/baseline/scan.js';
import { planQuery } from '../../src/sql/bind.js';
import { explainPlan } from '../../src/sql/explain.js';
import { DIVISION_NOTE } from '../../src/sql/post-aggregate.js';
import { INTEGER, decimalType } from '../../src/values/types.js';
import { answer, catalog, errorOf, rows, tinyTableDir } from './tiny-table.js';

afterAll(() => rmSync(tinyTableDir, { recursive: true, force: true }));

describe('CASE over rows, in the storage program', () => {
  test('conditional sums and counts; a CASE without ELSE is NULL, which SUM, COUNT, MIN and AVG skip', () => {
    const result = answer(`select k,
        sum(case when p > 0 then p else 0 end) as pos,
        count(case when tag = 'x' then 1 end) as xs,
        sum(case when q >= 3 then q end) as big,
        min(case when p < 5 then p end) as low,
        avg(case when q > 0 then q end) as mean
      from t group by k order by k`);
    expect(result.rows).toEqual([
      ['a', 1050n, 1n, null, -325n, 15000n],
      ['b', 700n, 1n, 3n, 0n, 30000n],
      ['c', 100n, 0n, 5n, 100n, 50000n],
    ]);
    expect(result.columns.map((column) => column.type)).toEqual([{ kind: 'varchar', length: 4 }, decimalType(38, 2), INTEGER, INTEGER, decimalType(9, 2), decimalType(38, 4)]);
  });

  test('simple CASE, nested CASE, branches brought to one scale, dates, column-to-column comparisons', () => {
    const result = answer(`select
        sum(case q when 1 then 1 when 2 then 0.5 else case when d1 < d2 then 10 else 20 end end) as mixed,
        max(case when d1 > d2 then d1 else d2 end) as latest,
        sum(case when d1 < d2 then 1 else 0 end) as ordered,
        count(*) from t where q <> p`);
    // rows: q=1 -> 1; q=2 -> 0.5; q=3 (d1 = d2) -> 20; q=0 (d1 < d2) -> 10; q=5 -> 20.
    expect(result.rows).toEqual([[515n, 19844n, 2n, 5n]]);
  });

  test('WHENs decided at compile time drop out; the first true one ends the CASE', () => {
    expect(answer('select sum(case when 1 = 2 then 100 when 1 = 1 then q else 7 end) from t').rows).toEqual([[11n]]);
  });

  test('refusals name the place and what to do instead', () => {
    // A CASE yielding strings is a string (a group key or a selected value), which SUM refuses.
    expect(errorOf("select sum(case when q > 1 then 'a' else 'b' end) from t")).toBe('q.sql:1:12: SUM needs a number, found varchar(1)');
    expect(errorOf('select sum(case when q > 1 then d1 else 1 end) from t')).toBe('q.sql:1:12: the branches of this CASE must all be numbers or all dates; found date and integer');
    expect(errorOf('select sum(case when 1 = 2 then q end) from t')).toBe('q.sql:1:12: this CASE is always NULL (no WHEN can hold and there is no ELSE); remove it or add an ELSE');
    expect(errorOf('select sum(case when q > 1 then q else 0) from t')).toBe("q.sql:1:41: expected END, found ')'");
    expect(errorOf('select sum(q / 2) from t')).toMatch(/^q\.sql:1:12: division is computed on the compute node/);
  });
});

describe('expressions over aggregates, on the compute node after the merge', () => {
  test('division is exact, rounded half away from zero to 4 more digits than the larger scale; by zero it is NULL', () => {
    const result = answer(`select k, sum(q) / count(*) as mean, 100.00 * sum(p) / sum(q) as pct, sum(p) / sum(q - q) as by_zero,
        -sum(p) / 3 as third, 2 * count(*) + 1 as odd from t group by k order by k`);
    expect(result.rows).toEqual([
      // a: 3 / 2 = 1.5000; 100.00 * 7.25 (scale 4) / 3 = 241.666666666.. -> 241.66666667 (scale 8); -7.25 / 3 -> -2.416667 (scale 6).
      ['a', 15000n, 24166666667n, null, -2416667n, 5n],
      ['b', 15000n, 23333333333n, null, -2333333n, 5n],
      ['c', 50000n, 2000000000n, null, -333333n, 3n],
    ]);
    expect(result.columns.map((column) => column.type)).toEqual([
      { kind: 'varchar', length: 4 }, decimalType(38, 4), decimalType(38, 8), decimalType(38, 6), decimalType(38, 6), INTEGER,
    ]);
    expect(result.notes).toEqual([DIVISION_NOTE]);
  });

  test('ties round away from zero in both directions', () => {
    // 1 / 20000 = 0.00005 is a tie at scale 4: 0.0001 and -0.0001; 11 / 8 = 1.375 is exact.
    expect(answer("select count(case when k = 'c' then 1 end) / 20000, -count(case when k = 'c' then 1 end) / 20000, sum(q) / 8 from t").rows).toEqual([[1n, -1n, 13750n]]);
    // 1 / 3 * 10^4 = 3333.33 -> 3333; 2 / 3 -> 6667 (half away from zero only decides exact halves).
    expect(answer("select count(case when k = 'c' then 1 end) / 3, 2 * count(case when k = 'c' then 1 end) / 3 from t").rows).toEqual([[3333n, 6667n]]);
  });

  test('CASE over aggregates and group keys; explain says where each part runs', () => {
    const sql = "select k, case when sum(q) > 3 then 'many' when k = 'a' then 'first' else 'few' end as size from t group by k order by k";
    expect(answer(sql).rows).toEqual([['a', 'first'], ['b', 'few'], ['c', 'many']]);
    const text = explainPlan(planQuery('select k, sum(p) / count(*) as mean from t group by k', catalog));
    expect(text).toContain('mean = (aggregate #0 / aggregate #1) (computed on the compute node, after the merge)');
    expect(text).toContain(`note: ${DIVISION_NOTE}`);
  });

  test('a result beyond DECIMAL(38) is an overflow error, never a wrapped value', () => {
    const plan = planQuery('select sum(p) * 100000000000000000 * 100000000000000000 * 100000000000000000 from t', catalog, { file: 'q.sql' });
    const consumer = createBaselineConsumer(plan);
    consumer.write(new TextEncoder().encode(`${rows.join('\n')}\n`));
    expect(() => consumer.end()).toThrow("q.sql:1:8: arithmetic overflow: the result of '*' has more than 38 digits (DECIMAL(38) is the widest result)");
  });

  test('refusals', () => {
    expect(errorOf('select sum(q) + p from t')).toBe("q.sql:1:17: column 'p' must appear in GROUP BY or be used in an aggregate");
    expect(errorOf("select sum(q) + 'a' from t")).toBe("q.sql:1:8: cannot apply '+' to integer and varchar(1)");
  });
});
