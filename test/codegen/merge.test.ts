// Merging the nodes' answers: failures only the merge finds name the file and the aggregate or limit, not a line of the file.
import { describe, expect, test } from 'vitest';
import { mergeAnswers, MergeError } from '../../src/codegen/merge.js';
import type { ScanAnswer } from '../../src/codegen/read-maps.js';
import { planQuery } from '../../src/sql/bind.js';
import { INTEGER, decimalType } from '../../src/values/types.js';
import { csvTable, memoryCatalog } from '../sql/helpers.js';

const catalog = memoryCatalog(
  csvTable('t', '/data/t.csv', [
    ['k', INTEGER],
    ['x', decimalType(15, 2)],
  ]),
);
const plan = (sql: string) => planQuery(sql, catalog, { file: 'q.sql', onError: 'stop' });
const HALF = 1n << 126n;

/** part is one node's answer: a single group with key `key` whose aggregates all hold `sum` over `count` rows. */
function part(key: bigint | undefined, sum: bigint, count: bigint, aggregates: number): ScanAnswer {
  return { rows: count, skipped: 0n, groups: [{ keys: key === undefined ? [] : [key], aggregates: Array.from({ length: aggregates }, () => ({ count, value: sum })) }] };
}

describe('mergeAnswers', () => {
  test('partial sums that fit in 128 bits each but not together are a merge error naming the output column', () => {
    const p = plan('select count(*) as n, sum(x) as total from t');
    expect(() => mergeAnswers(p, [part(undefined, HALF, 1n, 2), part(undefined, HALF, 1n, 2)], 10, '/data/t.csv')).toThrow(
      new MergeError('/data/t.csv', "the nodes' partial sums of SUM 'total' add up to a value beyond the 128 bits a sum holds"),
    );
    const fits = mergeAnswers(p, [part(undefined, HALF - 1n, 1n, 2), part(undefined, HALF, 1n, 2)], 10, '/data/t.csv');
    expect(fits.groups[0]?.aggregates[1]?.value).toBe(2n * HALF - 1n);
  });

  test('an AVG whose sums overflow is named as AVG; the message has no line number', () => {
    const p = plan('select avg(x) from t');
    let error: unknown;
    try {
      mergeAnswers(p, [part(undefined, -HALF, 1n, 1), part(undefined, -HALF - 1n, 1n, 1)], 10, '/data/t.csv');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MergeError);
    expect((error as Error).message).toMatch(/^\/data\/t\.csv: merging the nodes' answers: the nodes' partial sums of AVG 'avg\(x\)' add up/);
  });

  test('more groups in the union than --max-groups allows is a merge error', () => {
    const p = plan('select k, count(*) from t group by k');
    const answers = [part(1n, 0n, 1n, 1), part(2n, 0n, 1n, 1), part(3n, 0n, 1n, 1)];
    expect(() => mergeAnswers(p, answers, 2, '/data/t.csv')).toThrow(/^\/data\/t\.csv: merging the nodes' answers: more than 2 groups.*; the union has 3 groups$/);
    expect(mergeAnswers(p, answers, 3, '/data/t.csv').groups).toHaveLength(3);
  });
});
