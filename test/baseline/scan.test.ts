// Baseline answers on hand-written .tbl and CSV data, computed by hand in the comments.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { createBaselineConsumer, runBaseline } from '../../src/baseline/scan.js';
import { planQuery } from '../../src/sql/bind.js';
import { MalformedRowError, QueryError } from '../../src/sql/errors.js';
import type { ErrorPolicy } from '../../src/sql/plan.js';
import { formatResultText, type ResultTable } from '../../src/sql/result.js';
import { DATE, INTEGER, decimalType } from '../../src/values/types.js';
import { csvTable, memoryCatalog, tpchTable } from '../sql/helpers.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/tpch/${name}`, import.meta.url));
const lineitem = memoryCatalog(tpchTable('lineitem', fixture('lineitem.tbl')));

/** units reads decimal text as written (all fractional digits kept) into units, independently of the code under test. */
const units = (text: string): bigint => BigInt(text.replace('.', ''));

/** run feeds `text` to a baseline consumer in chunks of `chunkBytes`. */
function run(sql: string, text: string, chunkBytes = 7, onError: ErrorPolicy = 'stop'): ResultTable {
  const sensors = csvTable('sensors', 'sensors.csv', [
    ['id', INTEGER], ['site', { kind: 'varchar' }], ['day', DATE], ['temp', decimalType(5, 2)],
  ]);
  const plan = planQuery(sql, memoryCatalog(sensors), { onError });
  const consumer = createBaselineConsumer(plan);
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += chunkBytes) consumer.write(bytes.subarray(i, i + chunkBytes));
  return consumer.end();
}

describe('TPC-H shapes on a 10-row lineitem.tbl', () => {
  test('Q1: rows shipped by 1998-09-02 (row 4 is the day after), grouped by flag and status', async () => {
    const plan = planQuery(readFileSync(fixture('q1.sql'), 'utf8'), lineitem);
    const result = await runBaseline(plan);
    expect(result.rows).toEqual([
      // A|F: rows 6, 8. disc price 49620.16*0.93 + 23000*0.95 = 46146.7488 + 21850.0000;
      // charge 46146.7488*1.02 + 21850*1.08 = 47069.683776 + 23598; avg disc (0.07+0.05)/2
      ['A', 'F', units('55.00'), units('72620.16'), units('67996.7488'), units('70667.683776'),
        units('27.500000'), units('36310.080000'), units('0.060000'), 2n],
      // N|F: row 10 only (shipped on the cut-off day). 5005.05*0.94 = 4704.7470; *1.03 = 4845.889410
      ['N', 'F', units('5.00'), units('5005.05'), units('4704.7470'), units('4845.889410'),
        units('5.000000'), units('5005.050000'), units('0.060000'), 1n],
      // N|O: rows 1-3. 20321.5008 + 41844.6756 + 11978.6400; 20727.930816 + 44355.356136 + 12218.212800;
      // avg qty 61/3 = 20.3333333 -> 20.333333; avg disc 0.23/3 = 0.0766666 -> 0.076667 (half away from zero)
      ['N', 'O', units('61.00'), units('80460.99'), units('74144.8164'), units('77301.499752'),
        units('20.333333'), units('26820.330000'), units('0.076667'), 3n],
      // R|F: rows 5, 7, 9. 20542.0320 + 1748.4000 + 9300.0000; 21363.713280 + 1748.400000 + 9393.000000;
      // avg price 34684.48/3 = 11561.493333..
      ['R', 'F', units('36.00'), units('34684.48'), units('31590.4320'), units('32505.113280'),
        units('12.000000'), units('11561.493333'), units('0.076667'), 3n],
    ]);
    expect(result.columns.map((column) => column.name)).toEqual([
      'l_returnflag', 'l_linestatus', 'sum_qty', 'sum_base_price', 'sum_disc_price', 'sum_charge', 'avg_qty', 'avg_price', 'avg_disc', 'count_order',
    ]);
    expect(result.notes.join(' ')).toMatch(/half away from zero/);
    expect(formatResultText(result)).toContain('| 70667.683776 |');
  });

  test('Q6: 1994 shipments with discount 0.05..0.07 and quantity < 24 are rows 7 and 8', async () => {
    const plan = planQuery(readFileSync(fixture('q6.sql'), 'utf8'), lineitem);
    const result = await runBaseline(plan);
    // 1860.00*0.06 + 23000.00*0.05 = 111.6000 + 1150.0000 (row 5's discount 0.10, row 6's quantity 32, row 9's 1995 date miss)
    expect(result.rows).toEqual([[units('1261.6000')]]);
  });

  test('every chunk size gives the same answer (rows cut anywhere)', () => {
    const text = readFileSync(fixture('lineitem.tbl'));
    const plan = planQuery(readFileSync(fixture('q1.sql'), 'utf8'), lineitem);
    const answers = [1, 3, 64, 4096].map((size) => {
      const consumer = createBaselineConsumer(plan);
      for (let i = 0; i < text.length; i += size) consumer.write(text.subarray(i, i + size));
      return consumer.end();
    });
    for (const answer of answers) expect(answer).toEqual(answers[0]);
  });
});

describe('CSV parsing', () => {
  const header = 'id,site,day,temp\n';

  test('quoted fields with commas and quotes, CRLF line ends, no final line break', () => {
    const text = 'id,site,day,temp\r\n1,"Oslo, dock 3",2026-01-01,1.50\r\n2,"say ""hi""",2026-01-02,-2.25\r\n3,Lima,2026-01-03,4';
    const result = run('select site, count(*), sum(temp) from sensors group by site order by site', text);
    // Sites sort as strings: 'Lima' < 'Oslo, dock 3' < 'say "hi"'; 4 is padded to 4.00 (400 units).
    expect(result.rows).toEqual([
      ['Lima', 1n, 400n],
      ['Oslo, dock 3', 1n, 150n],
      ['say "hi"', 1n, -225n],
    ]);
  });

  test('a quoted field may hold a line break', () => {
    const text = `${header}1,"two\nlines",2026-01-01,1.00\n2,x,2026-01-01,2.00\n`;
    const result = run("select count(*) from sensors where site like 'two%'", text, 5);
    expect(result.rows).toEqual([[1n]]);
  });

  test('aggregates over no rows: COUNT is 0, SUM/MIN/MAX/AVG are NULL', () => {
    const result = run('select count(*), sum(temp), min(temp), max(temp), avg(temp) from sensors', header);
    expect(result.rows).toEqual([[0n, null, null, null, null]]);
  });

  test('MIN, MAX, AVG and LIMIT after ORDER BY', () => {
    const text = `${header}1,a,2026-01-01,1.00\n2,a,2026-01-05,3.00\n3,b,2026-01-03,-1.00\n4,c,2026-01-02,2.00\n`;
    const result = run('select site, min(day) first, max(temp) hottest, avg(temp) from sensors group by site order by hottest desc limit 2', text);
    // a: max 3.00, avg 2.000000; c: max 2.00; b (max -1.00) is cut by LIMIT 2.
    expect(result.rows).toEqual([
      ['a', 20454n, 300n, 2000000n],
      ['c', 20455n, 200n, 2000000n],
    ]);
  });
});

describe('malformed rows', () => {
  const header = 'id,site,day,temp\n';
  const bad = `${header}1,a,2026-01-01,1.00\n2,b,2026-02-30,2.00\n3,c,2026-01-01\n4,d,2026-01-01,1.005\n5,e,2026-01-01,2.00,9\n6,f,2026-01-01,x\n7,g,2026-01-01,3.00\n`;

  test("'stop' reports the first bad row with file, line and column", () => {
    const error = (() => {
      try {
        run("select count(*), sum(temp) from sensors where day >= date '2026-01-01'", bad);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(MalformedRowError);
    // Line 3 is `2,b,2026-02-30,2.00`: the date field starts at column 5.
    expect((error as Error).message).toBe("sensors.csv:3:5: column 'day': '2026-02-30' is not a valid date (YYYY-MM-DD)");
  });

  test('only the columns a query uses are decoded and checked (as in the pushdown program)', () => {
    const result = run('select count(*), sum(temp) from sensors', bad, 4, 'skip');
    // Line 3's impossible date is not read; lines 4-7 are still bad (field counts, temp values).
    expect(result.skippedRows).toBe(4);
    expect(result.rows).toEqual([[3n, 600n]]);
  });

  test("'skip' counts every bad row and aggregates the good ones", () => {
    const result = run("select count(*), sum(temp) from sensors where day >= date '2026-01-01'", bad, 4, 'skip');
    // Bad: line 3 (Feb 30), 4 (3 fields), 5 (3 decimals for scale 2), 6 (5 fields), 7 ('x'). Good: ids 1 and 7.
    expect(result.skippedRows).toBe(5);
    expect(result.rows).toEqual([[2n, 400n]]);
  });

  test.each([
    ['3,c,2026-01-01\n', 'sensors.csv:2:15: expected 4 fields, found 3'],
    ['5,e,2026-01-01,2.00,9\n', 'sensors.csv:2:21: expected 4 fields, found 5'],
    ['4,d,2026-01-01,1.005\n', "sensors.csv:2:16: column 'temp': '1.005' is not a valid decimal(5,2)"],
    ['1234567890123456789,d,2026-01-01,1.00\n', "sensors.csv:2:1: column 'id': '1234567890123456789' has more than 18 digits"],
    ['1,d,2026-01-01,12345678901234567.7\n', "sensors.csv:2:16: column 'temp': '12345678901234567.7' has more than 18 digits"],
    ['1,d,2026-01-01,.5\n', "sensors.csv:2:16: column 'temp': '.5' is not a valid decimal(5,2)"],
  ])('error position for %j', (row, message) => {
    expect(() => run('select sum(id), sum(temp) from sensors', header + row)).toThrow(message);
  });

  test('an over-long line is a malformed row; skip resumes at the next line', () => {
    const long = `1,${'z'.repeat(70_000)},2026-01-01,1.00\n`;
    expect(() => run('select count(*) from sensors', `${header}${long}`, 4096)).toThrow(/sensors.csv:2:65537: line longer than 65536 bytes/);
    const result = run('select count(*) from sensors', `${header}${long}2,a,2026-01-01,1.00\n`, 4096, 'skip');
    expect(result.skippedRows).toBe(1);
    expect(result.rows).toEqual([[1n]]);
  });

  test("'stop' reports the first bad row even when an over-long line follows in the same chunk", () => {
    const text = `${header}1,a,2026-13-01,1.00\n1,${'z'.repeat(70_000)},2026-01-01,1.00\n`;
    expect(() => run("select count(*) from sensors where day > '2000-01-01'", text, 1 << 20)).toThrow(/^sensors.csv:2:5: column 'day'/);
  });

  test('an unclosed quote at the end of the file is reported', () => {
    expect(() => run('select count(*) from sensors', `${header}1,"open,2026-01-01,1.00\n`)).toThrow(MalformedRowError);
  });

  test('per-row arithmetic beyond 64 bits stops with the line that overflowed; SUM holds 128 bits', () => {
    const big = `${header}1,a,2026-01-01,1.00\n999999999999999999,a,2026-01-01,1.00\n`;
    expect(() => run('select sum(id * 100) from sensors', big)).toThrow(QueryError);
    expect(() => run('select sum(id * 100) from sensors', big)).toThrow(/sensors.csv:3:1: the result of '\*' does not fit in 64 bits/);
    // 1 + 999999999999999999 * 10 = 9999999999999999991, above 2^63 - 1 = 9223372036854775807;
    // AVG at scale 4: 99999999999999999910000 / 11 = 9090909090909090900909 remainder 1.
    const many = header + `999999999999999999,a,2026-01-01,1.00\n`.repeat(10) + `1,a,2026-01-01,1.00\n`;
    expect(run('select sum(id), avg(id) from sensors', many).rows).toEqual([[9999999999999999991n, 9090909090909090900909n]]);
  });
});

test('skip counts every kind of malformed row once, however many there are', () => {
  const bad = ['1,a,2026-01-01', '2,b,2026-13-01,1', '3,c,2026-01-01,x', `4,${'d'.repeat(70_000)},2026-01-01,1`, '5,"e,2026-01-01,1'];
  const rows = Array.from({ length: 5000 }, (_, i) => `${i},ok,2026-01-01,1`);
  const text = `id,site,day,temp\n${[...rows, ...Array.from({ length: 2000 }, (_, i) => bad[i % 4] as string), bad[4]].join('\n')}\n`;
  const result = run('select count(*), min(day) from sensors where temp > 0', text, 65_536, 'skip');
  expect(result.rows).toEqual([[5000n, 20454n]]);
  expect(result.skippedRows).toBe(2001);
});
