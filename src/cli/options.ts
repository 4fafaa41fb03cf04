// Parsers for command-line option values that report bad input as usage errors.
import { existsSync, statSync } from 'node:fs';
import { InvalidArgumentError, Option } from 'commander';
import { PAGE_BYTES } from '../storage/page-cache.js';
import { UsageError } from '../util/errors.js';

export { oneOf, positiveInteger, positiveNumber } from '../util/option-values.js';

/**
 * unitsOption declares an option read by a units parser (`parseSize`, `parseRate`, `parseDuration`):
 * bad values are usage errors naming the option, and help shows the default as written.
 */
export function unitsOption(flags: string, description: string, parse: (text: string) => number, defaultText: string): Option {
  const parseArgument = (text: string): number => {
    try {
      return parse(text);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  };
  return new Option(flags, description).argParser(parseArgument).default(parse(defaultText), defaultText);
}

/** existingFile returns `path` when it names a readable file, else throws a usage error saying what is wrong. */
export function existingFile(path: string, what: string): string {
  if (!existsSync(path)) throw new UsageError(`${what} ${path} does not exist`);
  if (!statSync(path).isFile()) throw new UsageError(`${what} ${path} is not a file`);
  return path;
}

/** CACHE_HELP is the help text of `--no-cache`, offered by the commands that attach programs (see store.ts). */
export const CACHE_HELP = 'verify and compile the program afresh instead of taking this user\'s cached verdict and code ($XDG_CACHE_HOME/sluice, else ~/.cache/sluice)';

/** DEFAULT_CHUNK is the --chunk every command defaults to: one page of the node's page cache. */
export const DEFAULT_CHUNK = String(PAGE_BYTES);
