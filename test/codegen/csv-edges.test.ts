// CSV and .tbl edge cases (quotes, CRLF, blank lines, no final newline) and malformed rows: codegen must agree with the baseline.
import { describe, expect, test } from 'vitest';
import { planQuery } from '../../src/sql/bind.js';
import { compileQuery } from '../../src/codegen/compile.js';
import { readCounters } from '../../src/codegen/read-maps.js';
import type { ErrorPolicy } from '../../src/sql/plan.js';
import { memoryCatalog, sensorsTable, tpchTable } from '../sql/helpers.js';
import { expectProgramAgrees, scanWithInterpreter } from './harness.js';

const sensors = sensorsTable('sensors.csv');
const catalog = memoryCatalog(sensors, tpchTable('region', 'region.tbl'));
const CHUNKS = [1, 5, 64, 4096];


/** agree checks that codegen at every chunk size gives the baseline's result or error, and returns it. */
function agree(sql: string, text: string, onError: ErrorPolicy = 'stop'): unknown {
  return expectProgramAgrees(planQuery(sql, catalog, { onError }), text, CHUNKS);
}

const HEADER = 'id,site,day,temp\n';
const GOOD = [
  '1,Quito,2026-01-05,13.28',
  '2,"Oslo, dock 3",2026-03-11,-0.5',
  '3,"say ""hi""",2024-02-29,+7.',
  '4,"two\nlines",1999-12-31,0.07',
  '5,Oslo,1970-01-01,-12.00',
  '6,,2000-03-01,3',
].join('\n');

describe('well-formed CSV shapes', () => {
  const sql = 'select site, count(*) as n, sum(temp) as t, min(day) as d, max(id) as m from sensors group by site';
  test('quotes, escaped quotes, line breaks in quotes, signs, short fractions', () => {
    const result = agree(sql, `${HEADER}${GOOD}\n`) as { rows: unknown[] };
    expect(result.rows).toHaveLength(6);
  });
  test('CRLF line ends, blank lines, and no final line break', () => {
    const crlf = (text: string): string => text.replace(/\n(?=\d)/g, '\r\n');
    agree(sql, `${crlf(`${HEADER}${GOOD}`)}\r\n\r\n7,Quito,2026-01-06,1.25`);
  });
  test('string predicates: LIKE prefix, suffix, infix, IN, equality with quotes', () => {
    for (const where of [
      "site like 'Os%'",
      "site like '%3'",
      "site like '%dock%'",
      "site like 'Quito'",
      "site in ('Quito', 'Oslo')",
      `site = 'say "hi"'`,
      "site <> 'Oslo'",
      "not (site like '%o%')",
    ]) {
      agree(`select count(*) as n, sum(temp) as t from sensors where ${where}`, `${HEADER}${GOOD}\n`);
    }
  });
  test('arithmetic and boolean structure in the filter and aggregates', () => {
    agree('select sum(temp * id) as s, avg(temp) as a, count(*) as n from sensors where (id < 3 or id > 4) and temp >= -1 and day < date \'2026-01-01\' + interval \'3\' month', `${HEADER}${GOOD}\n`);
  });
  test('text after a closing quote keeps the raw field, quotes included (as the baseline reads it)', () => {
    const rows = ['7,"Lima"x,2026-01-01,1.00', '8,"Li""ma" y,2026-01-01,2.00', '9,Oslo,2026-01-01,"1.5"0', '10,"Lima"x,2026-01-02,4.00'];
    const result = agree(sql, `${HEADER}${rows.join('\n')}\n`, 'skip') as { rows: unknown[][]; skippedRows: number };
    expect(result.rows.map((row) => row[0])).toEqual(['"Li"ma" y', '"Lima"x']);
    expect(result.skippedRows).toBe(1);
  });
  test('GROUP BY a date and an integer, MIN/MAX of dates, COUNT of a column', () => {
    agree('select day, id, count(temp) as n, min(day) as first, max(temp) as hottest from sensors group by day, id', `${HEADER}${GOOD}\n1,Quito,2026-01-05,1.00\n`);
  });
  test('.tbl rows end with the delimiter; a row without it, or with too few fields, is malformed in both paths', () => {
    const sql = 'select count(*) as n, max(r_regionkey) as k from region where r_name like \'%A%\'';
    const good = '0|AFRICA|lar deposits|\n1|AMERICA|hs use ironic|\n2|ASIA|ges. thinly even|\n';
    expect(agree(sql, good)).toMatchObject({ rows: [[3n, 2n]] });
    expect(agree(sql, `${good}3|EUROPE|ly final courts\n`)).toEqual({ error: 'MalformedRowError', line: 4, column: 25 });
    expect(agree(sql, `${good}4|MIDDLE EAST|\n`)).toEqual({ error: 'MalformedRowError', line: 4, column: 15 });
    expect(agree(sql, `${good}4|MIDDLE EAST|\n5|ASIA\n`, 'skip')).toMatchObject({ rows: [[3n, 2n]], skippedRows: 2 });
  });
});

describe('malformed rows', () => {
  const sql = 'select count(*) as n, sum(temp) as t from sensors where day > date \'1900-01-01\'';
  const bad: Record<string, string> = {
    'not a number': '7,Lima,2026-01-01,12a',
    'impossible date': '7,Lima,2026-02-30,1.00',
    'too many fraction digits': '7,Lima,2026-01-01,1.001',
    'too many fields': '7,Lima,2026-01-01,1.00,extra',
    'too few fields': '7,Lima,2026-01-01',
    'a number that is only a sign': '7,Lima,2026-01-01,-',
  };
  for (const [name, row] of Object.entries(bad)) {
    test(`${name}: stop reports the same line and column`, () => {
      const failure = agree(sql, `${HEADER}${GOOD}\n${row}\n8,Quito,2026-01-01,1.00\n`);
      expect(failure).toMatchObject({ error: 'MalformedRowError', line: 9 });
    });
    test(`${name}: skip counts it and aggregates the rest`, () => {
      const result = agree(sql, `${HEADER}${GOOD}\n${row}\n8,Quito,2026-01-01,1.00\n`, 'skip');
      expect(result).toMatchObject({ skippedRows: 1 });
    });
  }
  test('an unterminated quote at the end of the file', () => {
    agree(sql, `${HEADER}${GOOD}\n8,"Quito,2026-01-01,1.00\n`, 'skip');
  });
  test('an unterminated quote stops the query at the opening quote', () => {
    const text = `${HEADER}${GOOD}\n8,"Quito,2026-01-01,1.00\n9,x,2026-01-01,1\n`;
    expect(agree(sql, text)).toEqual({ error: 'MalformedRowError', line: 9, column: 3 });
  });
  test('the program counts well-formed and skipped rows', () => {
    const plan = planQuery(sql, catalog, { onError: 'skip' });
    const compiled = compileQuery(plan);
    const scan = scanWithInterpreter(compiled, Buffer.from(`${HEADER}${GOOD}\n7,Lima,x,1\n`), 64);
    expect(readCounters(scan.read)).toEqual({ rows: 6n, skipped: 1n });
  });
});

describe('conditions the program cannot answer through', () => {
  test('a product that overflows 64 bits stops with an error, never a wrapped sum', () => {
    const big = `${HEADER}999999999999999999,Lima,2026-01-01,999.99\n`;
    const plan = planQuery('select sum(temp * id) as s from sensors', catalog);
    const compiled = compileQuery(plan);
    expect(() => compiled.decode(scanWithInterpreter(compiled, Buffer.from(big), 64).read)).toThrow(/overflow/);
  });
  test('a chunk larger than maxChunk is an error', () => {
    const plan = planQuery('select count(*) as n from sensors', catalog);
    const compiled = compileQuery(plan, { maxChunk: 16 });
    expect(() => compiled.decode(scanWithInterpreter(compiled, Buffer.from(`${HEADER}${GOOD}\n`), 64).read)).toThrow(/maxChunk/);
  });
  test('a GROUP BY string longer than its declared width is an error', () => {
    const plan = planQuery('select site, count(*) as n from sensors group by site', catalog);
    const compiled = compileQuery(plan);
    const text = `${HEADER}1,${'x'.repeat(20)},2026-01-01,1.00\n`;
    expect(() => compiled.decode(scanWithInterpreter(compiled, Buffer.from(text), 64).read)).toThrow(/longer than/);
  });
});
