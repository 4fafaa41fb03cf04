// Reads a query argument that is either SQL text or the path of a .sql file, and the --data catalog.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { directoryCatalog } from '../datasets/catalog.js';
import { defaultCatalog } from '../datasets/default-data.js';
import type { Catalog } from '../sql/plan.js';
import { UsageError } from '../util/errors.js';
import { projectRoot } from '../util/paths.js';

/** QueryText is the SQL and the name errors should use for it. */
export interface QueryText {
  readonly sql: string;
  readonly file: string;
}

/** readQuery returns the SQL of `arg`: the file's text when `arg` names a file, else `arg` itself. */
export function readQuery(arg: string): QueryText {
  const looksLikeFile = /\.sql$/i.test(arg) || (!/\s/.test(arg) && existsSync(arg));
  if (!looksLikeFile) return { sql: arg, file: 'query.sql' };
  if (!existsSync(arg) || !statSync(arg).isFile()) throw new UsageError(`query file ${arg} does not exist`);
  return { sql: readFileSync(arg, 'utf8'), file: arg };
}

/** catalogFor returns the catalog of `--data DIR`, or the default datasets (TPC-H SF 0.01 made on first use). */
export function catalogFor(dataDir: string | undefined): Catalog {
  if (dataDir !== undefined) {
    if (!existsSync(dataDir) || !statSync(dataDir).isDirectory()) throw new UsageError(`--data ${dataDir} is not a directory`);
    return directoryCatalog(resolve(dataDir));
  }
  return defaultCatalog(projectRoot(), (dir) =>
    process.stderr.write(`generating the default TPC-H dataset (scale factor 0.01) in ${dir} ...\n`),
  );
}
