// DuckDB as the peer Sluice is measured against: one query over a TPC-H CSV file, started from Node, on a set number of threads.
// Time the whole process (e.g. `hyperfine 'node dist/bench/duckdb-peer.js --query queries/tpch-q6.sql --data DIR'`).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { TPCH_SCHEMAS } from '../src/datasets/tpch/schemas.js';
import { typeName } from '../src/values/types.js';

const options = new Command('duckdb-peer')
  .requiredOption('--query <file.sql>', 'a query over lineitem (TPC-H syntax: `interval \'90\' day (3)` is read as `interval \'90\' day`)')
  .requiredOption('--data <dir>', 'directory holding lineitem.csv (with a header row, as `sluice gen tpch` writes it)')
  .option('--threads <n>', 'DuckDB worker threads', '1')
  .parse()
  .opts<{ query: string; data: string; threads: string }>();

let duckdb: typeof import('@duckdb/node-api');
try {
  duckdb = await import('@duckdb/node-api');
} catch {
  console.log('duckdb peer skipped: the optional dependency @duckdb/node-api is not installed');
  process.exit(0);
}

// Explicit column types, so DuckDB does not sample the file to guess them (Sluice reads the same schema).
const columns = TPCH_SCHEMAS.lineitem!.map(([name, type]) => `'${name}': '${typeName(type)}'`).join(', ');
const table = `read_csv('${join(options.data, 'lineitem.csv')}', header = true, columns = {${columns}})`;
const sql = readFileSync(options.query, 'utf8')
  .replace(/^\s*--.*$/gm, '')
  .replace(/\bday\s*\(\d+\)/gi, 'day')
  .replace(/\blineitem\b/, table)
  .replace(/;\s*$/, '');

const instance = await duckdb.DuckDBInstance.create(':memory:', { threads: options.threads });
const connection = await instance.connect();
const reader = await connection.runAndReadAll(sql);
console.log(JSON.stringify(reader.getRowObjectsJson()));
