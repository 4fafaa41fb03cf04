// Shared pieces of the storage tests: the filter-sum program and its decoders (kept in bench/lib/filter-sum.ts, which the storage bench uses too), data folders, CSV inputs.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ordersLines } from '../../bench/lib/filter-sum.js';

export { decodeFilterSum, type FilterSum, filterSumConsumer, filterSumProgram } from '../../bench/lib/filter-sum.js';

export const FIXTURES = new URL('../fixtures/storage/', import.meta.url);

/** dataDirWith writes files into a fresh temporary directory and returns its path. */
export function dataDirWith(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-storage-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

/** peopleVariants returns people.csv as is, without its final newline, and with CRLF line ends. */
export function peopleVariants(): Record<string, string> {
  const text = readFileSync(new URL('people.csv', FIXTURES), 'utf8');
  return {
    'people.csv': text,
    'people-no-final-newline.csv': text.replace(/\n$/, ''),
    'people-crlf.csv': text.replace(/\n/g, '\r\n'),
  };
}

/** generatedCsv makes `rows` deterministic rows of id,name,qty,price with quoted names holding commas (the storage bench's input). */
export function generatedCsv(rows: number): string {
  return [...ordersLines(rows)].join('');
}
