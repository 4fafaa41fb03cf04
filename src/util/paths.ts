// Where Sluice's own files are: the installation root, and the shared test material beside it.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** projectRoot walks up from this module to the folder that holds Sluice's package.json (works from src/ and dist/). */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

/** sharedDir is `../shared` beside the checkout (conformance suite, anchor program), or SLUICE_SHARED if set. */
function sharedDir(): string {
  return process.env.SLUICE_SHARED ?? resolve(projectRoot(), '..', 'shared');
}

/** anchorsDir holds the performance anchor program and its data generator. */
export function anchorsDir(): string {
  return join(sharedDir(), 'anchors');
}

/** conformanceDir holds the bpf_conformance suite (its .data files, and negative/). */
export function conformanceDir(): string {
  return join(sharedDir(), 'conformance');
}
