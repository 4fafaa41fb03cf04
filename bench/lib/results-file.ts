// Writes a bench's results as a JSON file (its folder made first), the form bench/results/ keeps them in.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** writeResults writes `results` as JSON to `file`, indented by `indent` spaces, with a final newline. */
export function writeResults(file: string, results: unknown, indent = 2): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(results, null, indent)}\n`);
}
