// `date column ± interval` in the storage program: days, and months and years with the day clamped to the month's end, against ship-all.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { createBaselineConsumer } from '../../src/baseline/scan.js';
import { compileQuery } from '../../src/codegen/compile.js';
import { planQuery } from '../../src/sql/bind.js';
import { scanWithInterpreter } from '../codegen/harness.js';
import { formatDateDays } from '../../src/values/calendar.js';
import { DATE, INTEGER } from '../../src/values/types.js';
import { answerOn, errorOf, tinyTableDir } from './tiny-table.js';
import { csvTable, memoryCatalog } from './helpers.js';

afterAll(() => rmSync(tinyTableDir, { recursive: true, force: true }));

const text = 'n,d\n1,2024-01-31\n2,2023-01-31\n3,2000-02-29\n4,1900-03-31\n5,0000-01-01\n6,9999-12-31\n';
const catalog = memoryCatalog(csvTable('m', 'm.csv', [['n', INTEGER], ['d', DATE]]));
const dates = (sql: string): string[] => answerOn(catalog, text, sql).rows.map((row) => formatDateDays(Number(row[1])));

describe('date column ± interval', () => {
  test('months keep the day, clamped to the last day of the target month (leap years by the Gregorian rule)', () => {
    const sql = "select n, max(d + interval '1' month) from m where n between 1 and 4 group by n order by n";
    expect(dates(sql)).toEqual(['2024-02-29', '2023-02-28', '2000-03-29', '1900-04-30']);
    expect(dates("select n, max(d - interval '1' year) from m where n between 1 and 4 group by n order by n")).toEqual(['2023-01-31', '2022-01-31', '1999-02-28', '1899-03-31']);
    expect(dates("select n, min(d + interval '-13' month) from m where n in (1, 3) group by n order by n")).toEqual(['2022-12-31', '1999-01-29']);
  });

  test('days add, across month and year ends; comparisons between shifted columns', () => {
    expect(dates("select n, max(d + interval '1' day) from m where n < 5 group by n order by n")).toEqual(['2024-02-01', '2023-02-01', '2000-03-01', '1900-04-01']);
    expect(answerOn(catalog, text, "select count(*) from m where n < 5 and d - interval '30' day > d + interval '-1' month").rows).toEqual([[4n]]);
  });

  test('a date moved past 0000-01-01 or 9999-12-31 stops the query in both paths', () => {
    for (const sql of ["select max(d + interval '1' day) from m", "select min(d - interval '1' month) from m"]) {
      const plan = planQuery(sql, catalog, { file: 'q.sql' });
      const bytes = new TextEncoder().encode(text);
      const consumer = createBaselineConsumer(plan);
      const message = /a date moved by an interval left the supported range \(0000-01-01 to 9999-12-31\)/;
      expect(() => {
        consumer.write(bytes);
        consumer.end();
      }).toThrow(message);
      const compiled = compileQuery(plan);
      expect(() => compiled.decode(scanWithInterpreter(compiled, bytes, 7).read)).toThrow(message);
    }
  });

  test('refusals', () => {
    expect(errorOf("select count(*) from t where q + interval '1' day > 3")).toBe("q.sql:1:30: an interval can only be added to or subtracted from a date, not integer");
    expect(errorOf("select max((d1 + interval '1' day) + interval '1' month) from t")).toBe('q.sql:1:12: month intervals apply to a date column or constant here; shift by days, or shift the column before other arithmetic');
    expect(errorOf("select max(d1 + interval '99999999' day) from t")).toBe('q.sql:1:12: an interval of 99999999 days moves every date outside the supported range; use a smaller one');
  });
});
