// CAST: numbers change scale (down rounded half away from zero) in the storage program and over aggregates; constants to dates; refusals.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { decimalType, INTEGER } from '../../src/values/types.js';
import { answer, errorOf, tinyTableDir } from './tiny-table.js';

afterAll(() => rmSync(tinyTableDir, { recursive: true, force: true }));

describe('CAST', () => {
  test('over rows: -3.25 -> -3.3 and 10.50 -> 11 (ties away from zero), scale raised exactly', () => {
    const result = answer('select sum(cast(p as decimal(9,1))), sum(cast(p as integer)), min(cast(p as integer)), sum(cast(q as decimal(5,3))) from t');
    expect(result.rows).toEqual([[152n, 16n, -3n, 11000n]]);
    expect(result.columns.map((column) => column.type)).toEqual([decimalType(38, 1), INTEGER, INTEGER, decimalType(38, 3)]);
  });

  test('over aggregates and of constants', () => {
    expect(answer("select k, cast(avg(p) as decimal(9,1)), cast(sum(p) / 3 as integer) from t where d1 >= cast('2024-02-01' as date) group by k order by k").rows).toEqual([
      ['a', -33n, -1n], ['b', 35n, 2n], ['c', 10n, 0n],
    ]);
    expect(answer("select sum(q * cast('2.5' as decimal(3,1))) from t").rows).toEqual([[275n]]);
  });

  test('refusals', () => {
    expect(errorOf('select sum(cast(q as varchar)) from t')).toBe('q.sql:1:12: CAST to a text type is not supported; compare, group or order by the value itself');
    expect(errorOf('select count(*) from t where cast(k as integer) = 1')).toBe('q.sql:1:30: cannot CAST varchar(4) to integer; CAST converts between numbers, and to dates');
    expect(errorOf("select count(*) from t where d1 = cast('2024-13-01' as date)")).toBe("q.sql:1:35: cannot CAST '2024-13-01' to date (only a date or a 'YYYY-MM-DD' string constant)");
    expect(errorOf('select sum(cast(q as decimal(2,3))) from t')).toBe('q.sql:1:30: DECIMAL needs a precision of 1 to 38 and a scale of 0 to the precision, e.g. DECIMAL(15,2)');
    expect(errorOf('select sum(cast(q as float)) from t')).toBe("q.sql:1:22: CAST supports INTEGER, BIGINT, DECIMAL(p,s) and DATE, found 'float'");
  });
});
