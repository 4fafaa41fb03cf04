// Deep and long SQL: the parser, binder and code generator answer or refuse with line and column, never overflow the stack.
import { describe, expect, test } from 'vitest';
import { createBaselineConsumer } from '../../src/baseline/scan.js';
import { compileQuery } from '../../src/codegen/compile.js';
import { planQuery } from '../../src/sql/bind.js';
import { QueryError } from '../../src/sql/errors.js';
import { MAX_EXPR_DEPTH } from '../../src/sql/parser.js';
import { INTEGER } from '../../src/values/types.js';
import { scanWithInterpreter } from '../codegen/harness.js';
import { csvTable, memoryCatalog } from './helpers.js';

const catalog = memoryCatalog(csvTable('t', 't.csv', [['a', INTEGER], ['b', INTEGER]]));

function refusal(sql: string): QueryError {
  try {
    compileQuery(planQuery(sql, catalog, { file: 'deep.sql' }));
  } catch (error) {
    expect(error).toBeInstanceOf(QueryError);
    return error as QueryError;
  }
  throw new Error('no error');
}

describe('deep input is refused at the line and column where it gets too deep', () => {
  test('1,000 nested parentheses', () => {
    const sql = `select count(*) from t\nwhere ${'('.repeat(1000)}a = 1${')'.repeat(1000)}`;
    const error = refusal(sql);
    expect(error.line).toBe(2);
    expect(error.column).toBe(7 + MAX_EXPR_DEPTH); // the parenthesis one level too deep
    expect(error.reason).toMatch(/nests more than 256 levels deep/);
  });

  test('a 10,000-term sum', () => {
    const error = refusal(`select sum(${Array.from({ length: 10_000 }, () => 'a').join(' + ')}) from t`);
    expect(error.line).toBe(1);
    expect(error.column).toBe(10 + 4 * MAX_EXPR_DEPTH); // the '+' that makes the chain one level too deep
  });

  test('1,000 NOTs and 1,000 minus signs', () => {
    expect(refusal(`select count(*) from t where ${'not '.repeat(1000)}a = 1`).reason).toMatch(/nests more than/);
    expect(refusal(`select sum(${'- '.repeat(1000)}a) from t`).reason).toMatch(/nests more than/);
  });
});

test('a 1,500-term OR plans, compiles and gives the baseline\'s answer', () => {
  const sql = `select count(*), sum(b) from t where ${Array.from({ length: 1500 }, (_, i) => `a = ${i * 3}`).join(' or ')}`;
  const plan = planQuery(sql, catalog);
  expect(plan.filter?.kind === 'or' && plan.filter.operands.length).toBe(1500);
  const data = Buffer.from(`a,b\n${Array.from({ length: 200 }, (_, i) => `${i},${i * 2}`).join('\n')}\n`);
  const compiled = compileQuery(plan);
  const consumer = createBaselineConsumer(plan);
  consumer.write(data);
  expect(compiled.decode(scanWithInterpreter(compiled, data, 4096).read)).toEqual(consumer.end());
});

test('a condition too long for a 16-bit branch is refused at its SQL position, naming it', () => {
  const strings = memoryCatalog(csvTable('s', 's.csv', [['a', INTEGER], ['name', { kind: 'varchar', length: 64 }]]));
  const terms = Array.from({ length: 1200 }, (_, i) => `name = '${String(i).padStart(64, 'x')}'`);
  const sql = `select count(*) from s\nwhere a > 0 and (${terms.join(' or ')})`;
  let error: unknown;
  try {
    compileQuery(planQuery(sql, strings, { file: 'long.sql' }));
  } catch (thrown) {
    error = thrown;
  }
  expect(error).toBeInstanceOf(QueryError);
  expect((error as QueryError).message).toMatch(/^long\.sql:2:17: this OR of 1200 conditions compiles to more code than an eBPF branch can jump across/);
});

test('arithmetic nested to the right beyond the program\'s temporaries is refused at the construct, with a rewrite', () => {
  const nested = Array.from({ length: 20 }, () => 'a * (').join('') + 'b' + ')'.repeat(20);
  const error = refusal(`select count(*) from t\nwhere ${nested} > 0`);
  expect(error.message).toMatch(/^deep\.sql:2:\d+: the eBPF code generator does not support an expression whose right-hand operands nest more than 16 deep here; add parentheses on the left instead/);
});
