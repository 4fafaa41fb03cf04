// The `sluice` command: builds the commander program from one file per command and runs it (launch.ts starts it).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { commandModules } from './commands/index.js';
import { exitCodeFor, reportError } from './errors.js';
import { projectRoot } from '../util/paths.js';

/** runCli runs the command line `argv` (process.argv's shape) and sets process.exitCode. */
export async function runCli(argv: readonly string[]): Promise<void> {
  const { version } = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string };
  const program = new Command('sluice')
    .description('In-storage computation: run eBPF at a storage node\'s copy_out hook and report the data movement saved')
    .version(version, '-V, --version', 'print Sluice\'s version')
    .option('--debug', 'print stack traces of errors')
    // Usage errors stay one line: commander's sentence plus where to look.
    .configureOutput({ outputError: (text, write) => write(`${text.trimEnd()} (see --help)\n`) })
    .exitOverride();

  // A reader that stops early (`sluice disasm x.o | head`) is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });

  for (const register of commandModules) register(program);

  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    const code = exitCodeFor(error);
    if (code !== 0) reportError(error, Boolean(program.opts().debug));
    process.exitCode = code;
  }
}
