// RowSplitter: runs of whole rows whatever the chunking, quoted line breaks, over-long lines, line numbers.
import { describe, expect, test } from 'vitest';
import { MAX_LINE_BYTES } from '../../src/sql/plan.js';
import { RowSplitter } from '../../src/baseline/row-splitter.js';

/** split feeds `text` in chunks of `size` and returns the runs (as text with first line) and over-long lines. */
function split(text: string, size: number, quotes: boolean): { runs: [number, string][]; overlong: number[] } {
  const overlong: number[] = [];
  const splitter = new RowSplitter(quotes);
  const bytes = Buffer.from(text);
  const runs: [number, string][] = [];
  for (let i = 0; i < bytes.length; i += size) {
    for (const run of splitter.push(bytes.subarray(i, i + size))) {
      if ('overlong' in run) overlong.push(run.overlong);
      else runs.push([run.firstLine, run.bytes.toString()]);
    }
  }
  const last = splitter.finish();
  if (last !== undefined) runs.push([last.firstLine, last.bytes.toString()]);
  return { runs, overlong };
}

/** rowsWithLines expands runs into [line, row] pairs (rows split at line breaks outside quotes). */
function rowsWithLines(runs: [number, string][]): [number, string][] {
  return runs.flatMap(([first, text]) => text.split(/(?<=\n)/).map((row, i): [number, string] => [first + i, row]));
}

describe.each([false, true])('quotes %s', (quotes) => {
  const text = 'a|1\nbb|22\n\nccc|333\nlast';
  test.each([1, 2, 5, 100])('chunks of %d bytes give the same rows and lines', (size) => {
    const { runs, overlong } = split(text, size, quotes);
    expect(overlong).toEqual([]);
    expect(runs.map(([, run]) => run).join('')).toBe(text);
    expect(rowsWithLines(runs)).toEqual([[1, 'a|1\n'], [2, 'bb|22\n'], [3, '\n'], [4, 'ccc|333\n'], [5, 'last']]);
  });

  test('an over-long line is reported with its line number and dropped up to its line break', () => {
    const long = 'x'.repeat(MAX_LINE_BYTES + 1);
    const exact = 'y'.repeat(MAX_LINE_BYTES);
    for (const size of [4096, 70_000]) {
      const { runs, overlong } = split(`ok\n${long}\n${exact}\nend\n`, size, quotes);
      expect(overlong).toEqual([2]);
      expect(rowsWithLines(runs)).toEqual([[1, 'ok\n'], [3, `${exact}\n`], [4, 'end\n']]);
    }
  });
});

test('line breaks inside double quotes do not end a row', () => {
  const { runs } = split('1,"a\nb"\n2,"c""\nd"\n', 3, true);
  expect(runs.map(([, run]) => run).join('')).toBe('1,"a\nb"\n2,"c""\nd"\n');
  for (const [, run] of runs) expect((run.match(/"/g) ?? []).length % 2).toBe(0);
});
