// Where queries find their tables when no --data is given: the committed datasets and a TPC-H SF 0.01 set made on first use.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog } from '../sql/plan.js';
import { directoryCatalog } from './catalog.js';
import { generateTpch } from './tpch/generate.js';
import { TABLE_NAMES } from './tpch/tables.js';

/** Without --data, tables are searched in DEFAULT_DATASETS_DIR (committed: sensors), then DEFAULT_TPCH_DIR (generated). */
export const DEFAULT_DATASETS_DIR = 'datasets';
export const DEFAULT_TPCH_SF = 0.01;
export const DEFAULT_TPCH_DIR = join(DEFAULT_DATASETS_DIR, 'generated', `tpch-sf${DEFAULT_TPCH_SF}`);

/**
 * defaultCatalog resolves tables in `datasets/` first, then in the default TPC-H directory, generating
 * the TPC-H tables there (about 11 MB, a second) the first time a query asks for one of them.
 * `onGenerate` is told before generation starts, so a CLI can say why it pauses.
 */
export function defaultCatalog(root: string, onGenerate?: (dir: string) => void): Catalog {
  const datasets = directoryCatalog(join(root, DEFAULT_DATASETS_DIR));
  const tpchDir = join(root, DEFAULT_TPCH_DIR);
  const tpch = directoryCatalog(tpchDir);
  return {
    table(name) {
      const found = datasets.table(name);
      if (found) return found;
      if ((TABLE_NAMES as readonly string[]).includes(name) && !existsSync(join(tpchDir, `${name}.csv`))) {
        onGenerate?.(tpchDir);
        generateTpch({ scaleFactor: DEFAULT_TPCH_SF, outDir: tpchDir });
      }
      return tpch.table(name);
    },
    tableNames() {
      return [...new Set([...datasets.tableNames(), ...TABLE_NAMES])];
    },
  };
}
