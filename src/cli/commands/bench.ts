// `sluice bench`: runs the benchmark harness (dist/bench/main.js) with the given options.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { SluiceError } from '../../util/errors.js';
import { projectRoot } from '../../util/paths.js';

/** registerBench adds `sluice bench`, which forwards its options to the harness. */
export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('run the benchmarks: engines on the anchor program, every query pushdown vs ship-all, scaling')
    .allowUnknownOption()
    .helpOption(false)
    .argument('[options...]', 'harness options: --sf 0.01,0.1  --sf1  --engine jit  --chunk 4096  --passes 3  --anchor-mib 64  --skip-anchor  --out bench/results (--help lists them)')
    .addHelpText('after', '\nExamples: `sluice bench --help` lists the harness\'s options with examples.')
    .action((args: string[]) => {
      const root = projectRoot();
      const harness = join(root, 'dist', 'bench', 'main.js');
      if (!existsSync(harness)) throw new SluiceError(`${harness} is missing: run \`npm run build\` first`);
      const child = spawnSync(process.execPath, [harness, ...args], { cwd: root, stdio: 'inherit' });
      if (child.error) throw new SluiceError(`cannot start the benchmark harness: ${child.error.message}`, { cause: child.error });
      if (child.signal) throw new SluiceError(`the benchmark harness was stopped by ${child.signal}`);
      // The harness has already printed why it failed; pass its exit code on (2 for its usage errors).
      if (child.status !== 0) process.exitCode = child.status ?? 1;
    });
}
