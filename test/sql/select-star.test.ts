// SELECT * in a row selection: the table's columns in schema order, answered alike by the storage program and the baseline.
import { expect, test } from 'vitest';
import { createBaselineConsumer } from '../../src/baseline/scan.js';
import { compileQuery } from '../../src/codegen/compile.js';
import { planQuery } from '../../src/sql/bind.js';
import { scanWithInterpreter } from '../codegen/harness.js';
import { memoryCatalog, sensorsTable } from './helpers.js';

const sensors = sensorsTable('sensors.csv');
const catalog = memoryCatalog(sensors);
const CSV = 'id,site,day,temp\n1,Quito,2026-01-05,13.28\n2,"Oslo, dock 3",2026-03-11,-0.5\n3,Lima,2024-02-29,7\n';

test('* expands to every column in schema order, beside other items, and reads every column', () => {
  const plan = planQuery('select temp * 2 as t2, * from sensors where id > 1 order by day desc limit 5', catalog);
  expect(plan.outputs.map((output) => output.name)).toEqual(['t2', 'id', 'site', 'day', 'temp']);
  expect(plan.usedColumns).toEqual([0, 1, 2, 3]);
  expect(planQuery('select distinct * from sensors', catalog).groupBy.map((key) => key.name)).toEqual(['id', 'site', 'day', 'temp']);
});

test('the storage program and the baseline return the same rows for SELECT *', () => {
  const plan = planQuery('select * from sensors where temp < 10 order by id desc', catalog);
  const bytes = Buffer.from(CSV);
  const baseline = createBaselineConsumer(plan);
  baseline.write(bytes);
  const expected = baseline.end();
  expect(expected.columns.map((column) => column.name)).toEqual(['id', 'site', 'day', 'temp']);
  expect(expected.rows).toEqual([[3n, 'Lima', BigInt(Date.UTC(2024, 1, 29) / 86_400_000), 700n], [2n, 'Oslo, dock 3', BigInt(Date.UTC(2026, 2, 11) / 86_400_000), -50n]]);
  for (const chunk of [7, 4096]) {
    const compiled = compileQuery(plan, { maxChunk: 4096 });
    expect(compiled.decode(scanWithInterpreter(compiled, bytes, chunk).read)).toEqual(expected);
  }
});
