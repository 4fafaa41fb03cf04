// HAVING and ORDER BY of unselected expressions (compute node, after the merge), EXTRACT from date columns (storage program, also as group keys), GROUP BY positions and aliases.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { planQuery } from '../../src/sql/bind.js';
import { explainPlan } from '../../src/sql/explain.js';
import { answer, catalog, errorOf, tinyTableDir } from './tiny-table.js';

afterAll(() => rmSync(tinyTableDir, { recursive: true, force: true }));

describe('HAVING', () => {
  test('keeps the groups where it is true; aggregates only it names are computed too', () => {
    expect(answer('select k, count(*) from t group by k having sum(p) > 5 and max(q) < 5 order by k').rows).toEqual([['a', 2n], ['b', 2n]]);
    expect(answer("select k from t group by k having k <> 'b' or min(d1) > date '2024-03-01'").rows).toEqual([['a'], ['c']]);
    expect(answer('select count(*) from t having count(*) > 10').rows).toEqual([]);
  });

  test('a NULL condition (a division by zero, a SUM of only NULLs) drops the group, as unknown does in SQL', () => {
    expect(answer('select k from t group by k having sum(q) / sum(q - q) > 0 or sum(case when q > 4 then q end) > 1').rows).toEqual([['c']]);
  });

  test('explain shows it on the compute node; refusals', () => {
    expect(explainPlan(planQuery('select k from t group by k having count(*) > 1', catalog))).toContain('having: (aggregate #0 > 1) (on the compute node, after the merge)');
    expect(errorOf('select k from t group by k having q > 1')).toBe("q.sql:1:35: column 'q' must appear in GROUP BY or be used in an aggregate");
    expect(errorOf('select k from t group by k order by k having count(*) > 1')).toBe('q.sql:1:39: HAVING must follow GROUP BY (or stand after WHERE) and come before ORDER BY');
    expect(errorOf("select k from t group by k having k like 'a%'")).toBe('q.sql:1:35: LIKE over aggregates or group keys is not supported here; put it in WHERE');
  });
});

describe('EXTRACT and GROUP BY positions and aliases', () => {
  test('year, month and day of a date column, grouped, summed and filtered on', () => {
    expect(answer('select extract(month from d1) as m, extract(day from d2), count(*) from t where extract(year from d2) = 2024 group by m, 2 order by m').rows).toEqual([
      [1n, 3n, 1n], [2n, 15n, 1n], [3n, 1n, 1n], [4n, 1n, 1n], [5n, 1n, 1n],
    ]);
    expect(answer('select sum(extract(year from d1) * 100 + extract(month from d2)), max(extract(day from d2)) from t').rows).toEqual([[1012014n, 15n]]);
    expect(answer("select extract(year from date '1999-12-31'), count(*) from t").rows).toEqual([[1999n, 5n]]);
  });

  test('GROUP BY a position or an alias names a selected column or EXTRACT', () => {
    expect(answer('select k as key, count(*) from t group by key order by 1').rows).toEqual([['a', 2n], ['b', 2n], ['c', 1n]]);
    expect(answer('select extract(year from d1) y, sum(q) from t group by 1').rows).toEqual([[2024n, 11n]]);
  });

  test('refusals', () => {
    expect(errorOf('select extract(hour from d1), count(*) from t')).toBe("q.sql:1:16: EXTRACT supports YEAR, MONTH and DAY, found 'hour'");
    expect(errorOf('select sum(extract(year from q)) from t')).toBe('q.sql:1:30: EXTRACT needs a date, found integer');
    expect(errorOf('select k, count(*) from t group by 3')).toBe('q.sql:1:36: GROUP BY position 3 is not between 1 and 2');
    expect(errorOf('select k, count(*) from t group by 2')).toBe('q.sql:1:36: GROUP BY position 2 names an aggregate; group by a column instead');
    expect(errorOf('select extract(month from d1), count(*) from t group by extract(year from d1)')).toBe('q.sql:1:8: this expression must appear in GROUP BY or be used in an aggregate');
    expect(errorOf('select count(*) from t group by q + 1')).toBe('q.sql:1:33: GROUP BY supports columns, EXTRACT(... FROM a date column), SUBSTRING, CASE, and positions or aliases of selected ones');
  });
});

describe('ORDER BY expressions that are not selected', () => {
  test('sorts by an aggregate or an expression over aggregates and keys, computed per group and not shown', () => {
    expect(answer('select k from t group by k order by sum(p) desc').rows).toEqual([['a'], ['b'], ['c']]);
    expect(answer('select k, count(*) from t group by k order by max(q) - min(q), k desc').rows).toEqual([['c', 1n], ['a', 2n], ['b', 2n]]);
    expect(answer('select k from t group by k order by sum(q) / count(*) desc limit 2').rows).toEqual([['c'], ['a']]);
    expect(explainPlan(planQuery('select k from t group by k order by sum(q) desc', catalog))).toContain('order by: aggregate #0 desc');
  });

  test('refusals', () => {
    expect(errorOf('select count(*) from t order by q')).toBe("q.sql:1:33: column 'q' must appear in GROUP BY or be used in an aggregate");
    expect(errorOf('select count(*) from t order by qq')).toBe("q.sql:1:33: unknown column 'qq' in ORDER BY (did you mean 'q'?)");
  });
});
