// A five-row table and helpers for the expression tests: every answer from the emitted program (interpreter) and ship-all, required equal.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { createBaselineConsumer } from '../../src/baseline/scan.js';
import { compileQuery } from '../../src/codegen/compile.js';
import { planQuery } from '../../src/sql/bind.js';
import { QueryError } from '../../src/sql/errors.js';
import type { ResultTable } from '../../src/sql/result.js';
import type { Catalog } from '../../src/sql/plan.js';
import { DATE, INTEGER, decimalType } from '../../src/values/types.js';
import { verify } from '../../src/verifier/verifier.js';
import { HOOK_CONTEXT } from '../../src/storage/hook-context.js';
import { scanWithInterpreter } from '../codegen/harness.js';
import { csvTable, memoryCatalog } from './helpers.js';

/** tinyTableDir holds the table file; each test file importing this removes it in its afterAll. */
export const tinyTableDir = mkdtempSync(join(tmpdir(), 'sluice-case-post-'));
const path = join(tinyTableDir, 't.csv');
export const rows = [
  'k,q,p,d1,d2,tag',
  'a,1,10.50,2024-01-01,2024-01-03,x',
  'a,2,-3.25,2024-02-01,2024-01-15,yy',
  'b,3,0.00,2024-03-01,2024-03-01,x',
  'b,0,7.00,2024-04-01,2024-05-01,zzz',
  'c,5,1.00,2024-05-01,2024-04-01,yy',
];
writeFileSync(path, `${rows.join('\n')}\n`);
export const catalog = memoryCatalog(csvTable('t', path, [
  ['k', { kind: 'varchar', length: 4 }], ['q', INTEGER], ['p', decimalType(9, 2)], ['d1', DATE], ['d2', DATE], ['tag', { kind: 'varchar', length: 8 }],
]));

/** answer runs a query through the emitted program (interpreter, 7-byte chunks) and ship-all, requires them equal, and returns it. */
export function answer(sql: string): ResultTable {
  return answerOn(catalog, `${rows.join('\n')}\n`, sql);
}

/** answerOn is `answer` over another table's catalog and file text. */
export function answerOn(tables: Catalog, text: string, sql: string): ResultTable {
  const plan = planQuery(sql, tables, { file: 'q.sql' });
  const bytes = new TextEncoder().encode(text);
  const consumer = createBaselineConsumer(plan);
  consumer.write(bytes);
  const shipAll = consumer.end();
  const compiled = compileQuery(plan);
  verify(compiled.spec, { context: HOOK_CONTEXT });
  const pushed = compiled.decode(scanWithInterpreter(compiled, bytes, 7).read);
  expect(pushed).toEqual(shipAll);
  return pushed;
}

/** errorOf returns the QueryError message planning `sql` gives. */
export function errorOf(sql: string): string {
  try {
    planQuery(sql, catalog, { file: 'q.sql' });
  } catch (error) {
    if (error instanceof QueryError) return error.message;
    throw error;
  }
  throw new Error(`no error for ${sql}`);
}

