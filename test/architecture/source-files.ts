// The repository's root and its TypeScript files, for the tests that check the whole tree's structure.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/util/paths.js';

/** ROOT is the repository's root folder. */
export const ROOT = projectRoot();

/** sourceFiles lists the .ts files below `dir` (relative to ROOT), as paths relative to ROOT. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}
