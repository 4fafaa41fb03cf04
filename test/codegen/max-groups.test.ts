// The group map's capacity is an option, and overflowing it is an error that says the limit and the option.
import { expect, test } from 'vitest';
import { compileQuery } from '../../src/codegen/compile.js';
import { planQuery } from '../../src/sql/bind.js';
import { INTEGER } from '../../src/values/types.js';
import { csvTable, memoryCatalog } from '../sql/helpers.js';
import { scanWithInterpreter } from './harness.js';

const catalog = memoryCatalog(csvTable('t', 't.csv', [['k', INTEGER]]));
const plan = planQuery('select k, count(*) from t group by k', catalog);
const data = Buffer.from(`k\n${[1, 2, 3, 4, 5, 1].join('\n')}\n`);

test('five groups fit a map of five and overflow a map of four, naming the limit and --max-groups', () => {
  const fits = compileQuery(plan, { maxGroups: 5 });
  expect(fits.decode(scanWithInterpreter(fits, data, 64).read).rows).toHaveLength(5);
  const full = compileQuery(plan, { maxGroups: 4 });
  expect(() => full.decode(scanWithInterpreter(full, data, 64).read)).toThrow(
    't.csv:6:1: more than 4 groups: the group map holds 4 (raise the limit with --max-groups)',
  );
});

test('a capacity outside 1..1,048,576 is a usage error', () => {
  expect(() => compileQuery(plan, { maxGroups: 0 })).toThrow(/--max-groups 0 is out of range/);
  expect(() => compileQuery(plan, { maxGroups: 2 ** 21 })).toThrow(/1 to 1,048,576 groups/);
});
