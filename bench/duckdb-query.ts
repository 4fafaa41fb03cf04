// One query answered by DuckDB over a table's CSV file in a fresh process (the bench's whole-process peer for ship-all and pushdown).
// usage: node dist/bench/duckdb-query.js <query.sql> <data dir> <threads>
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { directoryCatalog } from '../src/datasets/catalog.js';
import { duckDbSql, duckDbView } from '../src/engine/duckdb-compute.js';
import { planQuery } from '../src/sql/bind.js';

const [queryFile, dataDir, threads] = process.argv.slice(2);
if (!queryFile || !dataDir || !threads) throw new Error('usage: duckdb-query.js <query.sql> <data dir> <threads>');
const sql = readFileSync(queryFile, 'utf8');
const { table } = planQuery(sql, directoryCatalog(dataDir), { file: queryFile });
const started = performance.now();
const instance = await DuckDBInstance.create(':memory:', { threads });
const connection = await instance.connect();
// The table is a view over the CSV with the schema's column types, so the query text runs unchanged.
await connection.run(duckDbView(table, table.path));
const reader = await connection.runAndReadAll(duckDbSql(sql));
const rows = reader.getRowsJS();
const wallSeconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ wallSeconds, rows: rows.length, first: String(rows[0]?.[0]) })}\n`);

