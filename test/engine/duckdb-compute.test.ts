// --compute duckdb over values a 32-bit integer cannot hold: DuckDB must read Sluice's 64-bit integers as BIGINT.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { directoryCatalog } from '../../src/datasets/catalog.js';
import { executeQuery } from '../../src/engine/execute.js';
import { duckReason } from './duckdb-oracle.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-duckdb-compute-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(duckReason !== '')('ship-all answered by DuckDB', () => {
  it('sums integers beyond 32 bits exactly, as pushdown does', async () => {
    writeFileSync(join(dir, 'big.csv'), 'id,x\n1,5000000000\n2,-3000000000\n3,7\n');
    writeFileSync(join(dir, 'big.schema'), 'id integer\nx integer\n');
    const sql = 'select count(*), sum(x), max(x) from big where id > 0';
    const run = await executeQuery({ sql, queryFile: 'big.sql', catalog: directoryCatalog(dir), chunkBytes: 4096, onError: 'stop', engine: 'jit', link: {}, compare: true, compute: 'duckdb' });
    expect(run.result.rows).toEqual([[3n, 2000000007n, 5000000000n]]);
    expect(run.shipAll?.result).toEqual(run.result);
  });
});
