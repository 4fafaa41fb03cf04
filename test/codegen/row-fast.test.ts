// The row fast path against the baseline on seeded near-plain rows (signs, points, calendar edges, quotes, CR, wrong field counts), CSV and .tbl.
import { seededRandom } from '../../src/util/random.js';
import { describe, expect, test } from 'vitest';
import { planQuery } from '../../src/sql/bind.js';
import { DEFAULT_MAX_CHUNK, compileQuery } from '../../src/codegen/compile.js';
import type { ErrorPolicy, TableSource } from '../../src/sql/plan.js';
import { DATE, INTEGER, decimalType, type SqlType } from '../../src/values/types.js';
import { csvTable, memoryCatalog } from '../sql/helpers.js';
import { expectProgramAgrees, scanWithInterpreter } from './harness.js';

const COLUMNS: readonly (readonly [string, SqlType])[] = [
  ['id', INTEGER],
  ['site', { kind: 'varchar', length: 8 }],
  ['day', DATE],
  ['temp', decimalType(5, 2)],
  ['note', { kind: 'varchar', length: 12 }],
];
const sensors = csvTable('sensors', 'sensors.csv', COLUMNS);
const readings: TableSource = { ...sensors, name: 'readings', path: 'readings.tbl', format: 'tbl', delimiter: '|', header: false, trailingDelimiter: true };
const catalog = memoryCatalog(sensors, readings);

function pick<T>(next: () => number, options: readonly T[]): T {
  return options[Math.floor(next() * options.length)] as T;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** value draws one field of the column `name`: mostly plain, sometimes at or past an edge the fast path must leave to the byte scan. */
function value(next: () => number, name: string, tbl: boolean): string {
  const odd = next() < 0.25;
  switch (name) {
    case 'id':
      return odd ? pick(next, ['-12', '+7', '', 'x', '7.', '7.5', '0001', '999999999999999999', '1234567890123456789', '-', '"5"']) : String(Math.floor(next() * 10 ** Math.ceil(next() * 9)));
    case 'note':
      // Longer than the capture (only a prefix test reads it), an unterminated quote (CSV: the rest of the file).
      if (odd && next() < 0.2) return pick(next, ['abcdefghijklm', '"open']);
      // A bare CR inside a .tbl field: the baseline's reader and the byte scan disagree (not the fast path's concern).
      if (odd && !tbl && next() < 0.1) return 'cr\rx';
      return text(next, odd);
    case 'site':
      return text(next, odd);
    case 'day':
      return odd
        ? pick(next, ['2024-02-29', '2023-02-29', '1900-02-29', '2000-02-29', '2026-04-31', '2026-04-30', '2026-13-01', '2026-00-10', '2026-01-00', '2026-1-05', '20260105', '0000-03-01', '9999-12-31', ''])
        : `${pad(1970 + Math.floor(next() * 60), 4)}-${pad(1 + Math.floor(next() * 12), 2)}-${pad(1 + Math.floor(next() * 31), 2)}`;
    default:
      return odd
        ? pick(next, ['-0.5', '+7.', '.5', '1.001', '-', '3', '999.99', '1234567890123456.78', '12345678901234567', '0.07', '-12.00', '1.2.3'])
        : `${Math.floor(next() * 1000)}.${pad(Math.floor(next() * 100), 2)}`;
  }
}

/** text draws a string field: short letters, or quotes, delimiters, a tab, the full capture width, UTF-8. */
function text(next: () => number, odd: boolean): string {
  return odd ? pick(next, ['', '"a,b"', 'a"b', '"q""x"', 'tab\there', 'abcdefgh', 'abcd', 'caf\u00e9', ' lead']) : 'abcdefghij'.slice(0, 1 + Math.floor(next() * 7));
}

/** rows draws a file of `count` rows for the table's format, with wrong field counts, CRLF (CSV) and blank lines now and then. */
function rows(seed: number, count: number, tbl: boolean): string {
  const next = seededRandom(seed);
  const lines: string[] = [];
  for (let r = 0; r < count; r++) {
    let fields = COLUMNS.map(([name]) => value(next, name, tbl));
    if (next() < 0.03) fields = fields.slice(0, -1);
    if (next() < 0.03) fields.push('extra');
    let line = tbl ? `${fields.join('|')}|` : fields.join(',');
    if (tbl && next() < 0.03) line = line.slice(0, -1);
    // CRLF only in CSV: after a .tbl row's trailing delimiter the baseline and the byte scan disagree on CR (not the fast path's concern).
    const end = !tbl && next() < 0.03 ? '\r\n' : next() < 0.02 ? '\n\n' : '\n';
    lines.push(line + end);
  }
  return (tbl ? '' : 'id,site,day,temp,note\n') + lines.join('');
}


/** agree checks codegen (at the default chunk size, where most rows take the fast path, and at 97 bytes) against the baseline. */
function agree(sql: string, text: string, onError: ErrorPolicy): unknown {
  return expectProgramAgrees(planQuery(sql, catalog, { onError }), text, [DEFAULT_MAX_CHUNK, 97]);
}

const QUERIES = [
  'select site, count(*) as n, sum(temp) as t, min(day) as d, max(id) as m, count(note) as c from TABLE group by site',
  "select count(*) as n, sum(temp) as t, avg(id) as a from TABLE where day >= date '1990-03-01' and temp < 500 and note like 'ab%'",
  // Runs of unused fields: three before temp, one after it; then four after id, up to the row's end.
  'select count(*) as n, sum(temp) as t from TABLE',
  'select count(*) as n, max(id) as m from TABLE',
];

describe('row fast path agrees with the baseline', () => {
  for (const table of ['sensors', 'readings']) {
    for (const seed of [1, 2, 3]) {
      test(`${table}, seed ${seed}`, () => {
        const text = rows(seed, 400, table === 'readings');
        for (const sql of QUERIES) {
          const skipped = agree(sql.replace('TABLE', table), text, 'skip') as { skippedRows?: number };
          expect(skipped.skippedRows, 'the seeded file has malformed rows').toBeGreaterThan(0);
          agree(sql.replace('TABLE', table), text, 'stop');
        }
      });
    }
  }

  test('plain rows take the fast path: far fewer instructions per byte than the byte scan', () => {
    const next = seededRandom(9);
    const text = `id,site,day,temp,note\n${Array.from({ length: 200 }, () => `${Math.floor(next() * 1e6)},abc,2001-02-03,${Math.floor(next() * 999)}.25,xy\n`).join('')}`;
    const plan = planQuery(QUERIES[0]!.replace('TABLE', 'sensors'), catalog);
    const compiled = compileQuery(plan);
    const bytes = Buffer.from(text);
    const perByte = (chunk: number) => scanWithInterpreter(compiled, bytes, chunk).instructions / bytes.length;
    // With 1-byte chunks every row crosses a chunk boundary, so the byte scan reads it all.
    expect(perByte(compiled.maxChunk) * 2).toBeLessThan(perByte(1));
  });
});
