// Bundles the `sluice` command (src/cli/main.ts) into dist/bin/ with esbuild, one file per lazily loaded part.
// Run by `npm run build` after tsc: Node then resolves a handful of files at start-up instead of the whole tree,
// and a command loads only the chunks its action imports (see src/cli/commands/).
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const OUT_DIR = 'dist/bin';

// Old chunks carry content hashes in their names; start clean so none is left behind.
rmSync(OUT_DIR, { recursive: true, force: true });
await build({
  // The cluster's worker-thread body is an entry of its own: WorkerNode starts it as ./node-worker.js beside the chunk that holds WorkerNode.
  entryPoints: { sluice: 'src/cli/main.ts', 'node-worker': 'src/storage/node-worker.ts' },
  outdir: OUT_DIR,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Dependencies stay in node_modules: koffi is native, and commander and csv-parse are loaded as installed.
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
