// SQL parsing and binding: every supported construct, constant folding, type rules, and refusals with line:col.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { planQuery } from '../../src/sql/bind.js';
import { QueryError } from '../../src/sql/errors.js';
import { explainPlan, formatExpr } from '../../src/sql/explain.js';
import type { Plan } from '../../src/sql/plan.js';
import { typeName } from '../../src/values/types.js';
import { memoryCatalog, tpchTable } from './helpers.js';

const catalog = memoryCatalog(tpchTable('lineitem'), tpchTable('orders'));
const plan = (sql: string): Plan => planQuery(sql, catalog);
const filterText = (where: string): string => formatExpr(plan(`select count(*) from lineitem where ${where}`).filter!);

/** errorOf returns the message of the QueryError `sql` raises. */
function errorOf(sql: string): string {
  try {
    planQuery(sql, catalog, { file: 'q.sql' });
  } catch (error) {
    expect(error).toBeInstanceOf(QueryError);
    return (error as QueryError).message;
  }
  throw new Error(`no error for: ${sql}`);
}

describe('TPC-H texts as published', () => {
  const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`../fixtures/tpch/${name}`, import.meta.url)), 'utf8');

  test('Q1 folds 1998-12-01 - 90 days to 1998-09-02 and keeps decimal scales', () => {
    const q1 = plan(fixture('q1.sql'));
    expect(formatExpr(q1.filter!)).toBe("l_shipdate <= date '1998-09-02'");
    expect(q1.groupBy.map((column) => column.name)).toEqual(['l_returnflag', 'l_linestatus']);
    expect(q1.aggregates.map((aggregate) => `${aggregate.fn}:${typeName(aggregate.type)}`)).toEqual([
      'sum:decimal(38,2)', 'sum:decimal(38,2)', 'sum:decimal(38,4)', 'sum:decimal(38,6)',
      'avg:decimal(38,6)', 'avg:decimal(38,6)', 'avg:decimal(38,6)', 'count_star:integer',
    ]);
    expect(formatExpr(q1.aggregates[3]!.arg!)).toBe('(l_extendedprice * (1.00 - l_discount)) * (1.00 + l_tax)');
    expect(q1.orderBy).toEqual([{ output: 0, desc: false }, { output: 1, desc: false }]);
    expect(q1.usedColumns).toEqual([4, 5, 6, 7, 8, 9, 10]);
  });

  test('Q6 folds the year interval and the discount range, and scales 24 to the quantity column', () => {
    const q6 = plan(fixture('q6.sql'));
    expect(formatExpr(q6.filter!)).toBe(
      "l_shipdate >= date '1994-01-01' and l_shipdate < date '1995-01-01' and l_discount >= 0.05 and l_discount <= 0.07 and l_quantity < 24.00",
    );
    expect(q6.outputs).toEqual([{ name: 'revenue', source: { kind: 'aggregate', index: 0 }, type: { kind: 'decimal', precision: 38, scale: 4 } }]);
  });
});

describe('constant folding and types', () => {
  test.each([
    ["l_shipdate < date '2000-01-31' + interval '1' month", "l_shipdate < date '2000-02-29'"],
    ["l_shipdate < date '1996-02-29' + interval '1' year", "l_shipdate < date '1997-02-28'"],
    ["l_shipdate >= interval '3' day + date '1995-12-30'", "l_shipdate >= date '1996-01-02'"],
    ["l_shipdate > '1995-03-15'", "l_shipdate > date '1995-03-15'"],
    ['l_discount > 0.06 - 0.01 * 2', 'l_discount > 0.04'],
    ['l_discount > 0.06 - 0.01 * 0.5', 'l_discount > 0.05'],
    ['l_quantity * 2 > -(3 + 4)', 'l_quantity * 2 > -7.00'],
    ['(l_quantity + 1) * 2 < l_tax * 3 - 1', '(l_quantity + 1.00) * 2 < (l_tax * 3) - 1.00'],
    ['l_tax < 0.015', 'l_tax < 0.02'],
    ['l_tax <= 0.015', 'l_tax <= 0.01'],
    ['l_tax = 0.015', 'false'],
    ['l_tax <> 0.015 and l_tax < 1', 'true unless l_tax is null and l_tax < 1.00'],
    ['0.015 < l_tax', 'l_tax > 0.01'],
    ['l_tax in (0.015, 0.02, 99999999999999999999)', 'l_tax in (0.02)'],
    ['l_tax in (0.015) or l_tax = 1', 'false unless l_tax is null or l_tax = 1.00'],
    ["l_shipmode in ('AIR', 'MAIL')", "l_shipmode in ('AIR', 'MAIL')"],
    ['l_quantity not in (1, 2.5)', 'not (l_quantity in (1.00, 2.50))'],
    ['l_quantity not between 1 and 2', 'not (l_quantity >= 1.00 and l_quantity <= 2.00)'],
    ["l_comment like '%fur%' or not l_shipinstruct like 'TAKE%'", "l_comment like '%fur%' (infix) or not (l_shipinstruct like 'TAKE%' (prefix))"],
    ["l_comment not like '%ly'", "not (l_comment like '%ly' (suffix))"],
    ["l_shipmode like 'AIR'", "l_shipmode like 'AIR' (exact)"],
    ['l_orderkey <> 1 and l_linenumber != 2 and (l_suppkey = 3 or l_partkey >= 4)', 'l_orderkey <> 1 and l_linenumber <> 2 and (l_suppkey = 3 or l_partkey >= 4)'],
  ])('%s', (where, expected) => {
    expect(filterText(where)).toBe(expected);
  });

  test('integer op integer is integer; decimal + integer keeps the decimal scale; products add scales', () => {
    const p = plan('select sum(l_orderkey * 2), sum(l_quantity + 1), sum(l_tax * l_discount * l_tax), min(l_shipdate) from lineitem');
    expect(p.aggregates.map((aggregate) => typeName(aggregate.type))).toEqual(['integer', 'decimal(38,2)', 'decimal(38,6)', 'date']);
  });

  test('identical aggregates share one slot; group columns can be selected in any order; aliases with or without AS', () => {
    const p = plan('select sum(l_tax) t, l_shipmode, sum(l_tax) as again from lineitem group by l_shipmode order by again desc, 2 limit 5');
    expect(p.aggregates).toHaveLength(1);
    expect(p.outputs.map((output) => [output.name, output.source.kind, 'index' in output.source ? output.source.index : undefined])).toEqual([
      ['t', 'aggregate', 0], ['l_shipmode', 'group', 0], ['again', 'aggregate', 0],
    ]);
    expect(p.orderBy).toEqual([{ output: 2, desc: true }, { output: 1, desc: false }]);
    expect(p.limit).toBe(5);
  });

  test('unaliased outputs are named by their text; ORDER BY may repeat a selected expression', () => {
    const p = plan('SELECT l_returnflag, COUNT(*), Sum(l_quantity) FROM lineitem GROUP BY l_returnflag ORDER BY sum(l_quantity) DESC');
    expect(p.outputs.map((output) => output.name)).toEqual(['l_returnflag', 'COUNT(*)', 'Sum(l_quantity)']);
    expect(p.orderBy).toEqual([{ output: 2, desc: true }]);
  });

  test('explain lists the scan, decoded columns, filter, groups, aggregates and outputs', () => {
    const text = explainPlan(plan("select l_shipmode, avg(l_tax) from lineitem where l_shipdate < date '1995-01-01' group by l_shipmode"));
    expect(text).toContain('scan lineitem (lineitem.tbl)');
    expect(text).toContain("layout: tbl: '|'-separated, trailing '|', no header");
    expect(text).toContain('decode 3 of 16 columns:');
    expect(text).toContain('#10 l_shipdate date');
    expect(text).toContain("filter: l_shipdate < date '1995-01-01'");
    expect(text).toContain('#0 avg(l_tax) -> decimal(38,6)');
    expect(text).toContain('note: AVG is computed exactly');
  });
});

describe('conditions decided at compile time', () => {
  const filterOf = (where: string) => plan(`select count(*) from lineitem where ${where}`).filter;

  test.each([
    // o_totalprice-like: a literal at the edge of 64 bits, scaled to the column's 2 decimals, once wrapped to -1.00.
    // Decided for every value a column can have, but unknown where it is NULL.
    ['l_extendedprice <= 9223372036854775807', 'true unless l_extendedprice is null'],
    ['l_extendedprice > 9223372036854775807', 'false'],
    ['l_extendedprice >= -9223372036854775808', 'true unless l_extendedprice is null'],
    ['l_extendedprice < -99999999999999999999999999999', 'false'],
    ['l_extendedprice <> 99999999999999999999999999999', 'true unless l_extendedprice is null'],
    ['l_extendedprice = 99999999999999999999999999999', 'false'],
    ['l_quantity * 2 < 99999999999999999999 * 99999999999999999999', 'true unless (l_quantity * 2) is null'],
    ["l_comment like '%'", 'true unless l_comment is null'],
    ["l_comment not like '%%'", 'false'],
    ["'abc' like 'a%' and l_tax < 1", 'l_tax < 1.00'],
    ["'abc' = 'abd' or l_tax < 1", 'l_tax < 1.00'],
    ['1 < 2', undefined],
    ['2 + 2 = 5', 'false'],
    ['l_tax in (99999999999999999999, -99999999999999999999)', 'false'],
    ['not (l_tax in (99999999999999999999))', 'true unless l_tax is null'],
    ['l_tax between 99999999999999999999 and 199999999999999999999', 'false'],
  ])('%s', (where, expected) => {
    const filter = filterOf(where);
    expect(filter === undefined ? undefined : formatExpr(filter)).toBe(expected);
  });

  test('a column named in a decided condition is still decoded, so its malformed values are still reported', () => {
    expect(plan("select count(*) from lineitem where l_comment like '%'").usedColumns).toEqual([15]);
    expect(plan('select sum(l_tax) from lineitem where l_quantity > 99999999999999999999').usedColumns).toEqual([4, 7]);
  });
});

describe('row selection', () => {
  test('a SELECT without aggregates or GROUP BY returns rows: values, hidden ORDER BY keys, LIMIT', () => {
    const p = plan('select l_tax, l_quantity * 2 as q2 from lineitem where l_discount > 0.05 order by l_shipdate desc, q2 limit 3');
    expect(p.outputs.map((o) => [o.name, o.source])).toEqual([['l_tax', { kind: 'row', index: 0 }], ['q2', { kind: 'row', index: 1 }]]);
    expect(p.rows?.values.map((v) => v.kind)).toEqual(['column', 'arith', 'column']);
    expect(p.rows?.order).toEqual([{ value: 2, desc: true }, { value: 1, desc: false }]);
    expect(p.limit).toBe(3);
    expect(p.usedColumns).toEqual([4, 6, 7, 10]);
  });
});

describe('refusals point at line and column', () => {
  test.each([
    ['select count(*)\nfrom lineitem\n  left join orders on l_orderkey = o_orderkey', 'q.sql:3:3: LEFT JOIN is not supported; only inner joins (JOIN ... ON, or tables separated by commas with the join condition in WHERE)'],
    ['select count(*) from lineitem, orders', "q.sql:1:32: table 'orders' is joined to lineitem by no equality of columns (such as orders.key = lineitem.key); only equality joins with the largest table are supported"],
    ['select *, count(*) from lineitem', 'q.sql:1:8: SELECT * cannot be mixed with aggregates or GROUP BY; name the group columns and aggregates instead'],
    ['select * from lineitem group by l_tax', 'q.sql:1:8: SELECT * cannot be mixed with aggregates or GROUP BY; name the group columns and aggregates instead'],
    ['select l_tax, * from lineitem, orders where l_orderkey = o_orderkey', 'q.sql:1:15: SELECT * over a join is not supported; name the columns (joins answer aggregates)'],
    ['select distinct l_tax, count(*) from lineitem', 'q.sql:1:24: SELECT DISTINCT with aggregates is not supported; the aggregates are already one row per group'],
    ['select distinct l_tax * 2 from lineitem', 'q.sql:1:17: SELECT DISTINCT supports column names only'],
    ['select sum(distinct l_tax) from lineitem', 'q.sql:1:12: SUM(DISTINCT ...) is not supported; only COUNT(DISTINCT ...) is'],
    ['select count(distinct l_tax), count(*) from lineitem', 'q.sql:1:31: COUNT(DISTINCT ...) must be the only aggregate in the query; run the others in a query of their own'],
    ['select count(distinct l_tax + 1) from lineitem', 'q.sql:1:23: COUNT(DISTINCT ...) supports a column name only'],
    ['select count(*) from lineitem where l_tax in (select 1)', 'q.sql:1:47: subqueries are not supported'],
    ['select count(*) from (select 1)', 'q.sql:1:22: subqueries are not supported'],
    ['select upper(l_comment), count(*) from lineitem', 'q.sql:1:8: function UPPER is not supported (only COUNT, SUM, MIN, MAX, AVG)'],
    ['select sum(l_tax / 2) from lineitem', 'q.sql:1:12: division is computed on the compute node, between aggregates (e.g. sum(a) / sum(b)) or group keys; it is not supported inside a row expression'],
    ['select count(*) from lineitem where l_comment like \'a_c\' escape \'!\'', "q.sql:1:58: LIKE ... ESCAPE is not supported: patterns have no escape character, '%' and '_' are always wildcards"],
    [`select count(*) from lineitem where l_comment like '${'a_'.repeat(33)}'`, 'q.sql:1:52: this LIKE pattern has 66 bytes; at most 64 are supported'],
    ['select count(*) from lineitm', "q.sql:1:22: unknown table 'lineitm' (did you mean 'lineitem'?)"],
    ['select sum(l_quantiy) from lineitem', "q.sql:1:12: unknown column 'l_quantiy' (did you mean 'l_quantity'?)"],
    ["select l_tax, substring(l_comment, 1, -1) from lineitem", 'q.sql:1:39: SUBSTRING with a negative length (-1) is an error in SQL'],
    ['select l_tax, count(*) from lineitem', "q.sql:1:8: column 'l_tax' must appear in GROUP BY or be used in an aggregate"],
    ['select sum(l_tax) + l_quantity from lineitem', "q.sql:1:21: column 'l_quantity' must appear in GROUP BY or be used in an aggregate"],
    ['select sum(sum(l_tax)) from lineitem', 'q.sql:1:12: aggregates cannot be nested'],
    ['select count(*) from lineitem where sum(l_tax) > 1', 'q.sql:1:37: aggregates are not allowed in WHERE'],
    ['select sum(l_shipmode) from lineitem', 'q.sql:1:12: SUM needs a number, found char(10)'],
    ["select count(*) from lineitem where l_tax = 'x'", 'q.sql:1:37: cannot compare decimal(15,2) with varchar(1)'],
    ["select count(*) from lineitem where l_shipdate < date '1995-02-29'", "q.sql:1:50: invalid date '1995-02-29' (expected a real date as YYYY-MM-DD)"],
    ['select count(*) from lineitem where l_tax', 'q.sql:1:37: expected a condition (a comparison, BETWEEN, IN, LIKE or IS NULL)'],
    ['select count(*) from lineitem where l_tax < :1', 'q.sql:1:45: query parameters like :1 are not supported; substitute a value'],
    ["select count(*) from lineitem where l_comment = 'open", 'q.sql:1:49: unterminated string literal'],
    ['select count(*) from lineitem limit 1.5', 'q.sql:1:37: LIMIT needs a whole number'],
    ['select l_tax, count(*) from lineitem group by l_tax order by 3', 'q.sql:1:62: ORDER BY position 3 is not between 1 and 2'],
    ['select count(*) from lineitem order by l_tax', "q.sql:1:40: column 'l_tax' must appear in GROUP BY or be used in an aggregate"],
    ['select count(*) from lineitem where l_tax is nul', "q.sql:1:46: expected NULL after IS (IS [NOT] NULL is the only IS test), found 'nul'"],
    ['select count(*) from lineitem where l_tax = null', 'q.sql:1:45: the NULL literal is not supported; test for NULL with IS [NOT] NULL'],
    ['select count(*) from lineitem group by l_tax + 1', 'q.sql:1:40: GROUP BY supports columns, EXTRACT(... FROM a date column), SUBSTRING, CASE, and positions or aliases of selected ones'],
    ['select count(*) from lineitem where l_tax = 1e3', 'q.sql:1:45: numbers in exponent notation are not supported; write the digits'],
    ['select sum(l_tax * 99999999999999999999) from lineitem', 'q.sql:1:12: the constant 99999999999999999999 (in units of 10^-0) does not fit in the signed 64 bits the pushdown program computes in; use a smaller constant'],
    ['select sum(99999999999999999999) from lineitem', 'q.sql:1:12: the constant 99999999999999999999 (in units of 10^-0) does not fit in the signed 64 bits the pushdown program computes in; use a smaller constant'],
    ['select sum(l_tax + 0.0000000000000000000001) from lineitem', 'q.sql:1:12: this needs a value scaled by 10^20, beyond the signed 64 bits the pushdown program computes in; use constants with at most 18 more fractional digits than the column'],
    ['select count(*) from lineitem where l_comment = l_shipmode', 'q.sql:1:37: comparing two string columns is not supported; compare each with a string constant'],
    ["select count(*) from lineitem where l_shipdate < date '1998-12-01' + interval '99999999999999999999' day", 'q.sql:1:50: the date is outside the supported range (0000-01-01 to 9999-12-31)'],
    ["select count(*) from lineitem where l_shipdate < date '1998-12-01' - interval '24000' month", 'q.sql:1:50: the date is outside the supported range (0000-01-01 to 9999-12-31)'],
    ['select count(*) from lineitem union select count(*) from orders', 'q.sql:1:31: UNION is not supported'],
    ['select count(*) from lineitem extra', 'q.sql:1:31: table aliases are not supported'],
    ['select count(*) from lineitem where', 'q.sql:1:36: expected an expression, found the end of the query'],
  ])('%j', (sql, message) => {
    expect(errorOf(sql)).toBe(message);
  });
});
