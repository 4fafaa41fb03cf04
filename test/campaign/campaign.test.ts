// The query campaign in the suite: a seeded run of random cases, plus checks that its reference and judge can say no.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Case, Query } from '../../src/campaign/case.js';
import { checkCase, explain } from '../../src/campaign/check.js';
import { readRecords } from '../../src/campaign/csv-reader.js';
import { caseArb, NO_CLASSES, type Classes } from '../../src/campaign/generators.js';
import { judge } from '../../src/campaign/judge.js';
import { evaluateCase, type Expected, type Tag } from '../../src/campaign/reference.js';
import type { SluiceRun } from '../../src/campaign/run-sluice.js';

// Every case compiles a fresh wasm module: compile functions when first called (see bench/fuzz.ts).
setFlagsFromString('--wasm-lazy-compilation');

const dir = mkdtempSync(join(tmpdir(), 'sluice-campaign-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SEED = 20261205;
const CASES = 100;
/** One case in VERIFY_EVERY is proven safe first, as the storage node does (verification costs ten cases). */
const VERIFY_EVERY = 12;
/**
 * FIXED are the classes of wrong answers fixed so far (issue 11 and the campaign's findings, replayed in
 * test/codegen/campaign-findings.test.ts): generated and judged, so they stay fixed.
 */
const FIXED = [
  'literalRange', 'farDates', 'loneCr', 'invalidUtf8', 'tblShortRows', 'foldableStrings', 'mixedEndings', 'midFieldQuote', 'unterminatedQuote',
  'tblBom', 'literalHighByte', 'decidedColumn',
] as const;
const CLASSES: Classes = { ...NO_CLASSES, overlongStrings: true, ...Object.fromEntries(FIXED.map((name) => [name, true])) };
const JUDGED = new Set<Tag>(FIXED);

describe('query campaign (seeded; `node dist/bench/query-campaign.js` runs it at scale)', () => {
  it(`pushdown, ship-all and the reference agree on ${CASES} random cases, or all refuse cleanly`, () => {
    let index = 0;
    const property = fc.property(caseArb(CLASSES), (c) => {
      const verdict = checkCase(c, dir, { verify: index++ % VERIFY_EVERY === 0, judged: JUDGED });
      if (verdict.status === 'difference') throw new Error(explain(c, verdict));
    });
    fc.assert(property, { seed: SEED, numRuns: CASES, endOnFailure: true });
  }, 300_000); // about 4 s of CPU; the margin is for a machine shared with other work
});

const csvCase = (data: string, query: Query, onError: Case['onError'] = 'stop'): Case => ({
  format: 'csv',
  columns: [
    { name: 'c0', type: { kind: 'decimal', precision: 6, scale: 2 } },
    { name: 'c1', type: { kind: 'varchar', length: 8 } },
  ],
  data: new TextEncoder().encode(data),
  query,
  onError,
  cuts: [],
  engine: 'interpreter',
});
const sumByC1: Query = { items: [{ t: 'group', name: 'c1' }, { t: 'agg', fn: 'sum', arg: { t: 'col', name: 'c0' } }], groupBy: ['c1'], orderBy: [] };

describe('the reference evaluator', () => {
  it('reads RFC 4180 records: quotes, doubled quotes, line breaks in quotes, CRLF, blank lines, a missing last line end', () => {
    const bytes = new TextEncoder().encode('a,"b,""c"""\r\n\r\n"x\ny",z\nlast,1');
    const records = readRecords(bytes, { delimiter: 0x2c, quotes: true, trailingDelimiter: false, dropBom: true }, 'drop');
    expect(records.map((r) => r.fields.map((f) => new TextDecoder().decode(f)))).toEqual([['a', 'b,"c"'], ['x\ny', 'z'], ['last', '1']]);
    expect(records.map((r) => r.line)).toEqual([1, 3, 5]);
  });

  it('answers exactly: groups by bytes, sums decimals at their scale, sorts by the output columns', () => {
    const truth = evaluateCase(csvCase('c0,c1\n1.5,b\n"2",a\n-0.25,b\n', sumByC1));
    expect(truth).toMatchObject({ kind: 'answer', rows: [['s:"a"', 'n:2.00'], ['s:"b"', 'n:1.25']], skipped: 0 });
  });

  it('computes SUBSTRING by characters (a start before the first counts) and CASE of strings, as group keys and in conditions', () => {
    const data = 'c0,c1\n1,é€b\n2,ab\n3,\n-1,abc\n';
    const substring = { t: 'substr', operand: { t: 'col', name: 'c1' }, start: 0, count: 3, commas: false } as const;
    const byPrefix: Query = { items: [{ t: 'key', index: 0 }, { t: 'agg', fn: 'sum', arg: { t: 'col', name: 'c0' } }], groupBy: [], keys: [substring], orderBy: [] };
    // FROM 0 FOR 3 is the first two characters; a NULL value gives a NULL key, sorted last.
    expect(evaluateCase(csvCase(data, byPrefix))).toMatchObject({ kind: 'answer', rows: [['s:"ab"', 'n:1.00'], ['s:"é€"', 'n:1.00'], ['null', 'n:3.00']] });
    const sign = { t: 'case', whens: [{ when: { t: 'cmp', op: '>', left: { t: 'col', name: 'c0' }, right: { t: 'num', text: '1' } }, then: substring }] } as const;
    const where: Query = { items: [{ t: 'agg', fn: 'count' }], groupBy: [], where: { t: 'cmp', op: '=', left: sign, right: { t: 'str', text: 'ab' } }, orderBy: [] };
    expect(evaluateCase(csvCase(data, where))).toMatchObject({ kind: 'answer', rows: [['n:1']] });
  });

  it('refuses a CASE that is always NULL (every WHEN decided false at compile time, no ELSE), as Sluice does', () => {
    const never = { t: 'case', whens: [{ when: { t: 'in', operand: { t: 'num', text: '2' }, list: [{ t: 'num', text: '3' }], negated: false }, then: { t: 'col', name: 'c1' } }] } as const;
    const query: Query = { items: [{ t: 'agg', fn: 'count', arg: never }], groupBy: [], orderBy: [] };
    expect(evaluateCase(csvCase('c0,c1\n1,a\n', query))).toMatchObject({ kind: 'refuse', refusal: { reason: 'query' } });
  });

  it('folds a CASE as Sluice does: a WHEN constant and true ends it, so it may be a constant (refused as a GROUP BY key)', () => {
    const always = { t: 'case', whens: [{ when: { t: 'cmp', op: '<', left: { t: 'num', text: '1' }, right: { t: 'num', text: '2' } }, then: { t: 'str', text: 'k' } }] } as const;
    const grouped: Query = { items: [{ t: 'agg', fn: 'count' }], groupBy: [], keys: [always], orderBy: [] };
    expect(evaluateCase(csvCase('c0,c1\n1,a\n', grouped))).toMatchObject({ kind: 'refuse', refusal: { reason: 'query' } });
    const counted: Query = { items: [{ t: 'agg', fn: 'count', arg: always }], groupBy: [], where: { t: 'cmp', op: '=', left: always, right: { t: 'str', text: 'k' } }, orderBy: [] };
    expect(evaluateCase(csvCase('c0,c1\n1,a\n2,\n', counted))).toMatchObject({ kind: 'answer', rows: [['n:2']] });
  });

  it('refuses malformed rows under stop (with the line) and counts them under skip', () => {
    expect(evaluateCase(csvCase('c0,c1\n1,a\n1.234,b\n', sumByC1))).toMatchObject({ kind: 'refuse', refusal: { reason: 'malformed', line: 3 } });
    expect(evaluateCase(csvCase('c0,c1\n1,a\n1.234,b\n', sumByC1, 'skip'))).toMatchObject({ kind: 'answer', skipped: 1 });
  });
});

describe('the judge', () => {
  const answer = (rows: string[][]): SluiceRun['pushdown'] => ({ ok: true, rows, skipped: 0 });
  const expected = (truth: Partial<Expected>): Expected => ({ kind: 'answer', rows: [['n:1']], skipped: 0, leeway: new Set(), tags: new Set(), ...truth }) as Expected;
  const run = (pushdown: SluiceRun['pushdown'], shipAll = pushdown): SluiceRun => ({ sql: 'select 1', pushdown, shipAll });
  const none = new Set<never>();

  it('agrees only when both paths give the reference answer', () => {
    expect(judge(run(answer([['n:1']])), expected({}), none).status).toBe('agree');
    expect(judge(run(answer([['n:2']])), expected({}), none)).toMatchObject({ status: 'difference', key: 'wrong answer' });
    expect(judge(run(answer([['n:1']]), answer([['n:2']])), expected({}), none)).toMatchObject({ status: 'difference', key: 'pushdown and ship-all differ' });
  });

  it('wants a refusal where the reference refuses, and a clean one', () => {
    const refuse = expected({ kind: 'refuse', refusal: { reason: 'overflow', line: 2, detail: 'too big' } } as Partial<Expected>);
    expect(judge(run(answer([['n:1']])), refuse, none).status).toBe('difference');
    const clean = { ok: false as const, error: { name: 'QueryError', message: 't.csv:2:1: overflow', line: 2, column: 1 } };
    expect(judge(run(clean), refuse, none).status).toBe('refuse');
    const internal = { ok: false as const, error: { ...clean.error, name: 'TypeError', unclean: 'TypeError is not a SluiceError' } };
    expect(judge(run(internal), refuse, none).status).toBe('difference');
  });

  it('counts a difference as known when the case touches a class of known bugs left out of the run', () => {
    const tagged = expected({ tags: new Set(['literalRange'] as const) });
    expect(judge(run(answer([['n:2']])), tagged, none).status).toBe('known');
    expect(judge(run(answer([['n:2']])), tagged, new Set(['literalRange'] as const)).status).toBe('difference');
  });
});
