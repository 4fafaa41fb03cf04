// How the CLI turns an error into one printed sentence and an exit code (0 ok, 1 program error, 2 usage).
import { CommanderError } from 'commander';
import { SluiceError } from '../util/errors.js';

/** exitCodeFor maps an error to the process exit code. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // --help and --version end through exitOverride with code 0; commander already printed usage errors.
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof SluiceError) return error.exitCode;
  return 1;
}

/** reportError prints an error as one sentence (commander errors are already printed). */
export function reportError(error: unknown, debug: boolean): void {
  if (error instanceof CommanderError) return;
  if (error instanceof SluiceError) {
    process.stderr.write(`error: ${error.message}\n`);
  } else {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`internal error: ${message} (rerun with --debug for details)\n`);
  }
  if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
}
