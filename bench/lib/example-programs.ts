// The example queries' eBPF programs (queries/*.sql), compiled as the CLI compiles them, for the benches that verify or time programs.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProgramSpec } from '../../src/asm/program.js';
import type { Catalog } from '../../src/sql/plan.js';
import { prepareQuery } from '../../src/engine/execute.js';
import { projectRoot } from '../../src/util/paths.js';

/** exampleQueryPrograms compiles every queries/*.sql over `catalog`, by file name; a join's build sides run first, since its probe program carries their maps. */
export async function exampleQueryPrograms(catalog: Catalog): Promise<{ name: string; spec: ProgramSpec }[]> {
  const dir = join(projectRoot(), 'queries');
  const programs: { name: string; spec: ProgramSpec }[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) {
    const sql = readFileSync(join(dir, file), 'utf8');
    const { compiled } = await prepareQuery({ sql, queryFile: file, catalog, chunkBytes: 4096, onError: 'stop', engine: 'jit', link: {} });
    programs.push({ name: file, spec: compiled.spec });
  }
  return programs;
}
