// Unused text fields skipped a word at a time: against the baseline at word-boundary lengths, with bytes that look like stop bytes in 7 bits, quotes, control bytes and wrong field counts.
import { describe, expect, test } from 'vitest';
import { DEFAULT_MAX_CHUNK, compileQuery } from '../../src/codegen/compile.js';
import { planQuery } from '../../src/sql/bind.js';
import type { ErrorPolicy } from '../../src/sql/plan.js';
import { seededRandom } from '../../src/util/random.js';
import { INTEGER, decimalType } from '../../src/values/types.js';
import { csvTable, memoryCatalog } from '../sql/helpers.js';
import { expectProgramAgrees, scanWithInterpreter } from './harness.js';

// comment (varchar 20: three words) lies between used fields; remark (char 9: two words) ends the row.
const lines = csvTable('lines', 'lines.csv', [
  ['id', INTEGER],
  ['comment', { kind: 'varchar', length: 20 }],
  ['price', decimalType(9, 2)],
  ['remark', { kind: 'char', length: 9 }],
]);
const catalog = memoryCatalog(lines);
const SQL = 'select count(*) as n, sum(price) as p, max(id) as m from lines';

/** A byte with bit 7 set over a stop byte's low seven bits (',' and a line break) is content: é is C3 A9, ¬ is C2 AC, Ê is C3 8A. */
const LOOKALIKES = ['\u00ac', '\u00ca', 'caf\u00e9'];

/** text draws a field: letters and spaces of a length around a word boundary, or an edge the skip must pass to the byte scan or read as content. */
function text(next: () => number): string {
  const length = Math.floor(next() * 26);
  const plain = Array.from({ length }, () => (next() < 0.2 ? ' ' : String.fromCharCode(97 + Math.floor(next() * 26)))).join('');
  if (next() < 0.7) return plain;
  const edges = ['', '"quoted, field"', 'mid"quote', 'a""b', 'tab\tin', 'cr\rx', 'ctl\u0001x', ' ', ',', ...LOOKALIKES];
  const edge = edges[Math.floor(next() * edges.length)] as string;
  return next() < 0.5 ? edge : `${plain.slice(0, 6)}${edge}${plain.slice(6)}`;
}

function file(seed: number, count: number): string {
  const next = seededRandom(seed);
  const rows: string[] = [];
  for (let r = 0; r < count; r++) {
    let fields = [String(Math.floor(next() * 1e5)), text(next), `${Math.floor(next() * 1e4)}.${String(Math.floor(next() * 100)).padStart(2, '0')}`, text(next)];
    if (next() < 0.03) fields = fields.slice(0, -1);
    if (next() < 0.03) fields.push('extra');
    rows.push(fields.join(',') + (next() < 0.03 ? '\r\n' : '\n'));
  }
  return `id,comment,price,remark\n${rows.join('')}`;
}

/** agree checks the program (at the default largest chunk, at 61 bytes and at 8) against the baseline and returns the baseline's outcome. */
function agree(text: string, onError: ErrorPolicy): unknown {
  return expectProgramAgrees(planQuery(SQL, catalog, { onError }), text, [DEFAULT_MAX_CHUNK, 61, 8]);
}

describe('unused text fields skipped a word at a time', () => {
  for (const seed of [11, 12, 13]) {
    test(`agree with the baseline, seed ${seed}`, () => {
      const text = file(seed, 300);
      const skipped = agree(text, 'skip') as { skippedRows?: number };
      expect(skipped.skippedRows, 'the seeded file has malformed rows').toBeGreaterThan(0);
      agree(text, 'stop');
    });
  }

  test('every length from empty to past the window, and lookalike bytes, in both fields', () => {
    const fields = [...Array.from({ length: 30 }, (_, n) => 'x'.repeat(n)), ...LOOKALIKES];
    const text = `id,comment,price,remark\n${fields.map((f, k) => `${k},${f},1.50,${f.slice(0, 12)}\n`).join('')}`;
    const result = agree(text, 'skip') as { skippedRows?: number };
    // comment longer than 23 bytes and remark longer than 15 pass the fast path's window: the byte scan reads those rows, still well formed.
    expect(result.skippedRows ?? 0).toBe(0);
  });

  test('rows that a misread byte would turn into well-formed rows stay malformed', () => {
    // A lookalike of ',' (C2 AC) or of a line break (C3 8A) taken as a stop byte, or a quoted field's
    // comma taken as a delimiter, would give each of these rows its four fields.
    const text = ['id,comment,price,remark', '1,x\u00ac7.25,abc', '2,"a,7.25,abc"', '3,"q,9.50",r', '4,ok,1.25,ab\u00ca5,x', '5,ok,2.00,fine'].join('\n') + '\n';
    const result = agree(text, 'skip') as { skippedRows?: number; n?: unknown };
    expect(result.skippedRows).toBe(4);
  });

  test('plain rows take the word skip: far fewer instructions per byte than the byte scan', () => {
    const next = seededRandom(5);
    const text = `id,comment,price,remark\n${Array.from({ length: 200 }, () => `${Math.floor(next() * 1e5)},some words here,${Math.floor(next() * 999)}.25,abc def\n`).join('')}`;
    const compiled = compileQuery(planQuery(SQL, catalog));
    const bytes = Buffer.from(text);
    const perByte = (chunk: number) => scanWithInterpreter(compiled, bytes, chunk).instructions / bytes.length;
    expect(perByte(compiled.maxChunk) * 2).toBeLessThan(perByte(1));
  });
});
