// Text that is not UTF-8 and carriage returns anywhere: both paths read the same bytes the same way.
import { describe, expect, test } from 'vitest';
import { createBaselineConsumer } from '../../src/baseline/scan.js';
import { compileQuery } from '../../src/codegen/compile.js';
import { planQuery } from '../../src/sql/bind.js';
import { formatResultText, type ResultTable } from '../../src/sql/result.js';
import { INTEGER } from '../../src/values/types.js';
import { csvTable, memoryCatalog } from '../sql/helpers.js';
import { scanWithInterpreter } from './harness.js';

const catalog = memoryCatalog(csvTable('t', 't.csv', [['id', INTEGER], ['name', { kind: 'varchar', length: 12 }]]));

/** both runs the query by pushdown at several chunk sizes and by ship-all, expects one answer, and returns it. */
function both(sql: string, data: Buffer): ResultTable {
  const plan = planQuery(sql, catalog);
  const consumer = createBaselineConsumer(plan);
  consumer.write(data);
  const expected = consumer.end();
  for (const chunk of [1, 3, 64]) {
    const compiled = compileQuery(plan);
    expect(compiled.decode(scanWithInterpreter(compiled, data, chunk).read), `${chunk}-byte chunks`).toEqual(expected);
  }
  return expected;
}

describe('text that is not valid UTF-8 is compared, grouped and ordered as bytes', () => {
  const data = Buffer.concat([
    Buffer.from('id,name\n1,caf'), Buffer.from([0xc3, 0xa9]), Buffer.from('\n2,'), Buffer.from([0xff]),
    Buffer.from('\n3,'), Buffer.from([0xfe]), Buffer.from('\n4,"'), Buffer.from([0xff]), Buffer.from('"\n5,z\n'),
  ]);

  test('two different invalid bytes are two groups, shown with \\xHH, in byte order', () => {
    const result = both('select name, count(*) from t group by name order by name', data);
    expect(formatResultText(result).split('\n').slice(2, 6)).toEqual(['café |        1', 'z    |        1', '\\xFE |        1', '\\xFF |        2']);
  });

  test("equality and LIKE see the literal's UTF-8 bytes", () => {
    expect(both("select count(*) from t where name = 'café'", data).rows).toEqual([[1n]]);
    expect(both("select count(*) from t where name like 'caf%' or name in ('z')", data).rows).toEqual([[2n]]);
  });
});

describe('carriage returns outside quotes are not data, wherever they are', () => {
  test('mixed CRLF and LF line ends, a stray CR inside a line, and CRs inside quotes', () => {
    const data = Buffer.from('id,name\r\n1,ab\n2,a\rb\r\n3,"a\rb"\r\n4\r,x\n');
    const result = both('select name, sum(id) from t group by name', data);
    expect(result.rows).toEqual([['a\rb', 3n], ['ab', 3n], ['x', 4n]]);
  });
});
