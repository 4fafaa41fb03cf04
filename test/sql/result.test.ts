// Result finalisation (AVG, ORDER BY, LIMIT, deterministic order) and text/JSON rendering.
import { describe, expect, test } from 'vitest';
import { planQuery } from '../../src/sql/bind.js';
import { finalizeResult, formatResultJson, formatResultText, type GroupState } from '../../src/sql/result.js';
import { memoryCatalog, tpchTable } from './helpers.js';

const catalog = memoryCatalog(tpchTable('lineitem'));
const group = (keys: string[], count: bigint, sum: bigint): GroupState => ({
  keys,
  aggregates: [{ count, value: null }, { count, value: sum }, { count, value: sum }],
});

describe('finalizeResult', () => {
  const sql = 'select l_shipmode, count(*), sum(l_tax), avg(l_tax) from lineitem group by l_shipmode';

  test('without ORDER BY rows come out by all columns ascending, whatever order the groups arrive in', () => {
    const plan = planQuery(sql, catalog);
    const groups = [group(['RAIL'], 2n, 3n), group(['AIR'], 3n, -10n), group(['MAIL'], 1n, 7n)];
    const forward = finalizeResult(plan, groups, 0);
    const backward = finalizeResult(plan, [...groups].reverse(), 0);
    expect(forward).toEqual(backward);
    // AVG: 3/2 units = 1.5 -> 0.015 at scale 2 -> 0.015000 at scale 6 = 15000 units; -10/3 -> -33333.3 -> -33333.
    expect(forward.rows).toEqual([
      ['AIR', 3n, -10n, -33333n],
      ['MAIL', 1n, 7n, 70000n],
      ['RAIL', 2n, 3n, 15000n],
    ]);
  });

  test('ORDER BY desc with ties broken by the other columns, then LIMIT', () => {
    const plan = planQuery(`${sql} order by 2 desc limit 2`, catalog);
    const result = finalizeResult(plan, [group(['RAIL'], 2n, 3n), group(['AIR'], 1n, 1n), group(['FOB'], 2n, 1n)], 0);
    expect(result.rows.map((row) => row[0])).toEqual(['FOB', 'RAIL']);
  });

  test('text and JSON rendering keep exact digits', () => {
    const plan = planQuery(`${sql} order by 1`, catalog);
    const result = finalizeResult(plan, [group(['AIR'], 3n, -10n), group(['MAIL'], 1n, 7n)], 2);
    expect(formatResultText(result)).toBe(
      [
        'l_shipmode | count(*) | sum(l_tax) | avg(l_tax)',
        '-----------+----------+------------+-----------',
        'AIR        |        3 |      -0.10 |  -0.033333',
        'MAIL       |        1 |       0.07 |   0.070000',
        '(2 rows)',
        '2 malformed row(s) skipped',
        'note: AVG is computed exactly as sum/count and rounded half away from zero to 4 more fractional digits than its argument',
        '',
      ].join('\n'),
    );
    const json = JSON.parse(formatResultJson(result)) as { rows: unknown[][]; columns: { type: string }[] };
    expect(json.rows[0]).toEqual(['AIR', '3', '-0.10', '-0.033333']);
    expect(json.columns.map((column) => column.type)).toEqual(['char(10)', 'integer', 'decimal(38,2)', 'decimal(38,6)']);
  });

  test('JSON keeps every digit a double cannot hold, and shows bytes that are not UTF-8 as \\xHH', () => {
    const plan = planQuery('select l_comment, count(*), sum(l_extendedprice) from lineitem group by l_comment', catalog);
    const huge = (1n << 63n) - 1n;
    const groups: GroupState[] = [
      { keys: ['caf\u00c3\u00a9 \u00ff'], aggregates: [{ count: huge, value: null }, { count: 1n, value: 10385578376585467n }] },
      { keys: [null], aggregates: [{ count: 1n, value: null }, { count: 0n, value: null }] },
    ];
    const json = JSON.parse(formatResultJson(finalizeResult(plan, groups, 0))) as { rows: unknown[][] };
    expect(json.rows).toEqual([
      ['café \\xFF', '9223372036854775807', '103855783765854.67'],
      [null, '1', null],
    ]);
  });
});
