// fast-check generators for campaign cases: random schemas, hostile table files (empty fields, NULL unless quoted, among them), queries within Sluice's SQL (IS [NOT] NULL, SUBSTRING and CASE of strings too), chunkings.
import fc from 'fast-check';
import type { AggFn, Case, ColType, Column, CompareOp, Expr, FileFormat, Item, OrderBy, Pred, Query } from './case.js';

/**
 * Known classes of wrong answers being fixed elsewhere; each is generated only when its flag is set,
 * so that a run without them looks for new bugs.
 * - literalRange: numeric literals beyond what a column's representation reaches (up to 20 digits, scale up to 19);
 * - farDates: huge intervals and dates near years 0000 and 9999;
 * - loneCr: lines ending in a lone CR, and stray CRs between fields;
 * - invalidUtf8: string values with bytes that are not UTF-8;
 * - tblShortRows: .tbl rows with too few fields that still end with the delimiter;
 * - foldableStrings: LIKE '%', LIKE '', and string literals longer than a char(n) column.
 * Besides those: overlongStrings (values longer than the declared width), textAfterQuote (not RFC 4180),
 * mixedEndings (LF and CR LF lines in one file; otherwise each file uses one line end throughout),
 * midFieldQuote (a quote inside an unquoted CSV field), unterminatedQuote (a file ending inside quotes),
 * tblBom (a byte order mark at the start of a .tbl file), literalHighByte (a string literal whose 8th, 16th, ...
 * byte is 0x80 or above), decidedColumn (a column only compared with constants it cannot equal, so never
 * read): differences this campaign found (each replayed in test/codegen/campaign-findings.test.ts). decidedColumn is not steered by the
 * generator, only recognised by the reference.
 */
export interface Classes {
  readonly literalRange: boolean;
  readonly farDates: boolean;
  readonly loneCr: boolean;
  readonly invalidUtf8: boolean;
  readonly tblShortRows: boolean;
  readonly foldableStrings: boolean;
  readonly overlongStrings: boolean;
  readonly textAfterQuote: boolean;
  readonly mixedEndings: boolean;
  readonly midFieldQuote: boolean;
  readonly unterminatedQuote: boolean;
  readonly tblBom: boolean;
  readonly literalHighByte: boolean;
  readonly decidedColumn: boolean;
}

/** KNOWN_CLASSES lists the flags for the known wrong answers (see Classes). */
export const KNOWN_CLASSES = ['literalRange', 'farDates', 'loneCr', 'invalidUtf8', 'tblShortRows', 'foldableStrings'] as const;

export const NO_CLASSES: Classes = {
  literalRange: false, farDates: false, loneCr: false, invalidUtf8: false, tblShortRows: false, foldableStrings: false,
  overlongStrings: false, textAfterQuote: false, mixedEndings: false, midFieldQuote: false, unterminatedQuote: false, tblBom: false,
  literalHighByte: false, decidedColumn: false,
};

const encoder = new TextEncoder();

// Schemas.

const colTypeArb: fc.Arbitrary<ColType> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('integer', 'bigint').map((spelling) => ({ kind: 'integer', spelling }) as ColType) },
  {
    weight: 3,
    arbitrary: fc.integer({ min: 0, max: 8 }).chain((scale) =>
      fc.integer({ min: Math.max(scale, 1), max: 18 }).map((precision) => ({ kind: 'decimal', precision, scale }) as ColType),
    ),
  },
  { weight: 2, arbitrary: fc.constant<ColType>({ kind: 'date' }) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 12 }).map((length) => ({ kind: 'char', length }) as ColType) },
  { weight: 2, arbitrary: fc.option(fc.integer({ min: 1, max: 70 }), { nil: undefined }).map((length) => ({ kind: 'varchar', ...(length === undefined ? {} : { length }) }) as ColType) },
);

const columnsArb: fc.Arbitrary<Column[]> = fc.array(colTypeArb, { minLength: 1, maxLength: 5 }).map((types) => types.map((type, i) => ({ name: `c${i}`, type })));

// Field values (as text, before quoting).

const SMALL_INTS = ['0', '1', '-1', '2', '3', '-3', '7', '10', '42', '-0', '+5', '007'];

function digitsArb(min: number, max: number): fc.Arbitrary<string> {
  return fc.array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max }).map((digits) => digits.join(''));
}

/** wholeArb gives the integer part of a number with at most `max` digits, edges favoured. */
function wholeArb(max: number): fc.Arbitrary<string> {
  const limit = Math.max(max, 1);
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('0', '1', '2', '3', '5', '10', '99') },
    { weight: 2, arbitrary: fc.constant('9'.repeat(limit)) },
    { weight: 1, arbitrary: fc.constant(`1${'0'.repeat(limit - 1)}`) },
    { weight: 3, arbitrary: fc.integer({ min: 1, max: limit }).chain((n) => digitsArb(n, n)) },
  );
}

function numberTextArb(scale: number, maxWhole: number): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom('', '', '', '-', '+'), wholeArb(maxWhole), fc.integer({ min: 0, max: scale }).chain((n) => digitsArb(n, n)), fc.boolean())
    .map(([sign, whole, fraction, point]) => `${sign}${whole}${fraction !== '' ? `.${fraction}` : point && scale > 0 ? '.' : ''}`);
}

const DATE_EDGES = ['1970-01-01', '2000-02-29', '1999-12-31', '2024-02-29', '1900-03-01', '1995-06-17', '1998-12-01'];
const FAR_DATES = ['0000-01-01', '0000-02-29', '0001-01-01', '9999-12-31', '9999-12-01', '0100-03-01'];

function dateTextArb(far: boolean): fc.Arbitrary<string> {
  const ordinary = fc
    .tuple(fc.integer({ min: far ? 0 : 1900, max: far ? 9999 : 2100 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }))
    .map(([y, m, d]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
  return fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...DATE_EDGES, ...(far ? FAR_DATES : [])) }, { weight: 3, arbitrary: ordinary });
}

const TEXT_PIECES = ['a', 'b', 'ab', 'Oslo', 'x', ' ', ',', '"', '""', '%', '_', '\n', '\r\n', 'é', '€', '😀', 'ß', '\t', "'", 'A', 'z'];
const TBL_PIECES = TEXT_PIECES.filter((piece) => !/[\n\r|]/.test(piece)).concat(['|']).filter((piece) => piece !== '|');
const INVALID_UTF8 = [[0xff], [0xc3], [0x80], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]];

/** stringBytesArb gives a string value's bytes within `width` bytes (beyond it when `overlong`). */
function stringBytesArb(width: number, format: FileFormat, classes: Classes): fc.Arbitrary<Uint8Array> {
  const pieces = format === 'tbl' ? TBL_PIECES : TEXT_PIECES;
  const piece = fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...pieces).map((text) => encoder.encode(text)) },
    { weight: classes.invalidUtf8 ? 1 : 0, arbitrary: fc.constantFrom(...INVALID_UTF8).map((bytes) => Uint8Array.from(bytes)) },
  );
  const limit = classes.overlongStrings ? width + 4 : width;
  return fc.array(piece, { maxLength: 5 }).map((parts) => {
    const bytes: number[] = [];
    for (const part of parts) {
      if (bytes.length + part.length > limit) break;
      bytes.push(...part);
    }
    return Uint8Array.from(bytes);
  });
}

const BAD_NUMBERS = ['', 'abc', '1.2.3', ' 1', '1 ', '--1', '+', '.5', '1e3', '0x10', '12a', '١٢'];
const BAD_DATES = ['', '2001-02-29', '2001-1-01', '20010101', '2001-13-01', '2001-00-10', ' 2001-01-01', '2001-01-32', 'yesterday'];

/** fieldArb gives one field's bytes for a column: usually valid, sometimes malformed when `bad` allows it. */
function fieldArb(column: Column, format: FileFormat, classes: Classes, bad: boolean): fc.Arbitrary<Uint8Array> {
  const type = column.type;
  let good: fc.Arbitrary<string | Uint8Array>;
  let wrong: fc.Arbitrary<string>;
  switch (type.kind) {
    case 'integer':
      good = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...SMALL_INTS) }, { weight: 2, arbitrary: numberTextArb(0, 18) });
      wrong = fc.oneof(fc.constantFrom(...BAD_NUMBERS, '1.5'), fc.constant('1'.repeat(19)));
      break;
    case 'decimal':
      good = fc.oneof({ weight: 2, arbitrary: fc.constantFrom('0', '1', '-1', '2.5', '0.01') .filter((text) => !text.includes('.') || type.scale >= text.length - text.indexOf('.') - 1) }, { weight: 3, arbitrary: numberTextArb(type.scale, 18 - type.scale) });
      wrong = fc.oneof(fc.constantFrom(...BAD_NUMBERS), fc.constant(`1.${'5'.repeat(type.scale + 1)}`), fc.constant('9'.repeat(19 - type.scale)));
      break;
    case 'date':
      good = dateTextArb(classes.farDates);
      wrong = fc.constantFrom(...BAD_DATES);
      break;
    case 'char':
    case 'varchar':
      good = stringBytesArb(type.length ?? 64, format, classes);
      wrong = fc.constant('');
      break;
  }
  const text = bad && type.kind !== 'char' && type.kind !== 'varchar' ? fc.oneof({ weight: 12, arbitrary: good }, { weight: 1, arbitrary: wrong }) : good;
  // Now and then an empty field: NULL unless quoted (rowArb quotes an empty number or date only in rows that may be bad).
  return fc.oneof({ weight: 9, arbitrary: text }, { weight: 1, arbitrary: fc.constant('') }).map((value) => (typeof value === 'string' ? encoder.encode(value) : value));
}

// Files.

interface RowSpec {
  readonly fields: readonly Uint8Array[];
  readonly quoted: readonly boolean[];
  readonly shape: 'ok' | 'missing' | 'extra';
  readonly ending: Ending;
  readonly blankAfter: '' | Ending;
  /** With classes.loneCr: the field before which a stray CR stands (outside quotes), if any. */
  readonly strayCr: number;
}

type Ending = '\n' | '\r\n' | '\r';

function endingArb(classes: Classes): fc.Arbitrary<Ending> {
  return fc.constantFrom<Ending>('\n', '\n', '\r\n', ...(classes.loneCr ? (['\r'] as const) : []));
}

function rowArb(columns: readonly Column[], format: FileFormat, classes: Classes, bad: boolean): fc.Arbitrary<RowSpec> {
  // An empty field written "" is the empty string in a string column but malformed in a number or date column.
  const quotable = (row: RowSpec): RowSpec => ({
    ...row,
    quoted: row.quoted.map((quoted, i) => quoted && (bad || (row.fields[i]?.length ?? 0) > 0 || ['char', 'varchar'].includes(columns[i]?.type.kind ?? ''))),
  });
  return fc.record({
    fields: fc.tuple(...columns.map((column) => fieldArb(column, format, classes, bad))),
    quoted: fc.array(fc.boolean(), { minLength: columns.length, maxLength: columns.length }),
    shape: bad ? fc.constantFrom<RowSpec['shape']>(...(Array(30).fill('ok') as 'ok'[]), 'missing', 'extra') : fc.constant<RowSpec['shape']>('ok'),
    ending: endingArb(classes),
    blankAfter: fc.oneof({ weight: 6, arbitrary: fc.constant<''>('') }, { weight: 1, arbitrary: endingArb(classes) }),
    strayCr: classes.loneCr ? fc.integer({ min: -4, max: columns.length }) : fc.constant(-1),
  }).map(quotable);
}

function needsQuotes(bytes: Uint8Array, classes: Classes): boolean {
  return bytes[0] === 0x22 || bytes.some((byte) => byte === 0x2c || byte === 0x0a || byte === 0x0d || (byte === 0x22 && !classes.midFieldQuote));
}

function csvField(bytes: Uint8Array, quoted: boolean, classes: Classes): number[] {
  if (!quoted && !needsQuotes(bytes, classes)) return [...bytes];
  const out = [0x22];
  for (const byte of bytes) {
    out.push(byte);
    if (byte === 0x22) out.push(0x22);
  }
  out.push(0x22);
  return out;
}

interface FileSpec {
  /** The line end of every line, unless classes.mixedEndings lets each row choose its own. */
  readonly ending: Ending;
  readonly rows: readonly RowSpec[];
  readonly headerQuoted: boolean;
  readonly bom: boolean;
  readonly finalEnding: boolean;
  readonly unterminatedQuote: boolean;
  readonly junkAfterQuote: number;
}

function renderFile(columns: readonly Column[], format: FileFormat, spec: FileSpec, classes: Classes): Uint8Array {
  const out: number[] = spec.bom && (format === 'csv' || classes.tblBom) ? [0xef, 0xbb, 0xbf] : [];
  const push = (text: string): void => void out.push(...encoder.encode(text));
  if (format === 'csv') {
    push(columns.map((column) => (spec.headerQuoted ? `"${column.name}"` : column.name)).join(','));
    push(spec.ending);
  }
  const endingOf = (chosen: Ending): Ending => (classes.mixedEndings ? chosen : spec.ending);
  spec.rows.forEach((row, index) => {
    let fields = row.fields.map((bytes, i) => (format === 'csv' ? csvField(bytes, row.quoted[i] ?? false, classes) : [...bytes]));
    if (row.shape === 'missing') fields = fields.slice(0, -1);
    if (row.shape === 'extra') fields = [...fields, [...encoder.encode('x')]];
    const delimiter = format === 'csv' ? 0x2c : 0x7c;
    fields.forEach((field, i) => {
      if (i > 0) out.push(delimiter);
      if (i === row.strayCr) out.push(0x0d);
      out.push(...field);
    });
    if (row.strayCr === fields.length) out.push(0x0d);
    // .tbl rows end with '|'; a short row keeps it only with tblShortRows; now and then an ok row drops it (then it is short).
    const dropsDelimiter = row.shape === 'missing' ? !classes.tblShortRows : row.quoted[0] === true && row.quoted[1] === true && row.quoted[2] === true;
    if (format === 'tbl' && !dropsDelimiter) out.push(delimiter);
    if (index === spec.junkAfterQuote && format === 'csv' && classes.textAfterQuote) push('"q"z');
    const last = index === spec.rows.length - 1;
    if (last && spec.unterminatedQuote && format === 'csv') push(',"open');
    if (!last || spec.finalEnding) push(endingOf(row.ending));
    if (!last && row.blankAfter !== '') push(endingOf(row.blankAfter));
  });
  return Uint8Array.from(out);
}

function fileArb(columns: readonly Column[], format: FileFormat, classes: Classes): fc.Arbitrary<Uint8Array> {
  return fc.boolean().chain((bad) =>
    fc
      .record({
        ending: endingArb(classes),
        rows: fc.array(rowArb(columns, format, classes, bad), { maxLength: 12 }),
        headerQuoted: fc.boolean(),
        bom: fc.constantFrom(false, false, false, true),
        finalEnding: fc.constantFrom(true, true, false),
        unterminatedQuote: bad && classes.unterminatedQuote ? fc.constantFrom(false, false, false, false, false, true) : fc.constant(false),
        junkAfterQuote: fc.integer({ min: -1, max: 11 }),
      })
      .map((spec) => renderFile(columns, format, spec, classes)),
  );
}

// Queries.

interface Env {
  readonly columns: readonly Column[];
  readonly classes: Classes;
  readonly format: FileFormat;
}

const of = (kinds: readonly ColType['kind'][]) => (columns: readonly Column[]) => columns.filter((column) => kinds.includes(column.type.kind));
const numeric = of(['integer', 'decimal']);
const dates = of(['date']);
const strings = of(['char', 'varchar']);

/** literalArb gives a numeric literal: small and ordinary, or (literalRange) beyond 64-bit ranges once scaled. */
function literalArb(classes: Classes): fc.Arbitrary<Expr> {
  const ordinary = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('0', '1', '2', '3', '5', '10', '0.5', '1.25', '2.50', '0.01', '100', '99.99') },
    { weight: 2, arbitrary: numberTextArb(4, 12).map((text) => text.replace(/^[+-]/, '').replace(/\.$/, '')) },
  );
  const big = fc.constantFrom('9223372036854775807', '9223372036854775808', '99999999999999999999', '999999999999999999', '1000000000000000000', '0.0000000000000000001', '922337203685477580.8', '18446744073709551616');
  const text = classes.literalRange ? fc.oneof({ weight: 4, arbitrary: ordinary }, { weight: 1, arbitrary: big }) : ordinary;
  return fc.tuple(text, fc.constantFrom(false, false, false, true)).map(([value, negative]) => (negative ? { t: 'neg', operand: { t: 'num', text: value } } : { t: 'num', text: value }));
}

function numericExprArb(env: Env, depth: number): fc.Arbitrary<Expr> {
  const columns = numeric(env.columns);
  const leaves: fc.Arbitrary<Expr>[] = [literalArb(env.classes)];
  if (columns.length > 0) leaves.push(fc.constantFrom(...columns).map((column): Expr => ({ t: 'col', name: column.name })));
  const leaf = columns.length > 0 ? fc.oneof({ weight: 3, arbitrary: leaves[1] as fc.Arbitrary<Expr> }, { weight: 1, arbitrary: leaves[0] as fc.Arbitrary<Expr> }) : (leaves[0] as fc.Arbitrary<Expr>);
  if (depth <= 0) return leaf;
  return fc.oneof(
    { weight: 12, arbitrary: leaf },
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.constantFrom<'+' | '-' | '*'>('+', '-', '*'), numericExprArb(env, depth - 1), numericExprArb(env, depth - 1))
        .map(([op, left, right]): Expr => ({ t: 'arith', op, left, right })),
    },
    { weight: 1, arbitrary: numericExprArb(env, depth - 1).map((operand): Expr => ({ t: 'neg', operand })) },
  );
}

function intervalAmountArb(classes: Classes): fc.Arbitrary<string> {
  const ordinary = fc.integer({ min: -400, max: 400 }).map(String);
  const huge = fc.constantFrom('99999999999', '-99999999999', '2147483648', '9223372036854775807', '3000000', '120000', '-120000', '8000');
  return classes.farDates ? fc.oneof(ordinary, huge) : ordinary;
}

function dateConstArb(env: Env): fc.Arbitrary<Expr> {
  const literal = dateTextArb(env.classes.farDates).map((text): Expr => ({ t: 'date', text }));
  return fc.oneof(
    { weight: 3, arbitrary: literal },
    { weight: 1, arbitrary: dateTextArb(env.classes.farDates).map((text): Expr => ({ t: 'str', text })) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(literal, fc.constantFrom<'+' | '-'>('+', '-'), intervalAmountArb(env.classes), fc.constantFrom<'day' | 'month' | 'year'>('day', 'month', 'year'), fc.boolean())
        .map(([date, op, amount, unit, intervalFirst]): Expr => {
          const interval: Expr = { t: 'interval', amount, unit };
          return op === '+' && intervalFirst ? { t: 'arith', op, left: interval, right: date } : { t: 'arith', op, left: date, right: interval };
        }),
    },
  );
}

/** stringLiteralArb gives a string constant for a column: usually within its width. */
function stringLiteralArb(column: Column, env: Env): fc.Arbitrary<string> {
  const width = column.type.kind === 'char' || column.type.kind === 'varchar' ? (column.type.length ?? 64) : 64;
  const pieces = fc.array(fc.constantFrom('a', 'b', 'ab', 'Oslo', 'x', ' ', ',', '"', 'é', '€', "'", 'A', 'z'), { maxLength: 4 }).map((parts) => parts.join(''));
  const highByte = (text: string): boolean => encoder.encode(text).some((byte, i) => i % 8 === 7 && byte >= 0x80);
  return pieces.filter((text) => (env.classes.foldableStrings || encoder.encode(text).length <= width) && (env.classes.literalHighByte || !highByte(text)));
}

/**
 * likePatternArb gives a LIKE pattern with '_' and '%' anywhere: up to five pieces (literal text, '%', '_'), at
 * most two '_', so its program stays far inside the code Sluice compiles for one LIKE. Without foldableStrings,
 * never only '%' and never more fixed bytes than the column holds.
 */
function likePatternArb(column: Column, env: Env): fc.Arbitrary<string> {
  const width = column.type.kind === 'char' || column.type.kind === 'varchar' ? (column.type.length ?? 64) : 64;
  const literal = fc.constantFrom('a', 'b', 'ab', 'x', ' ', 'é', '€', 'A', 'O');
  return fc
    .array(fc.oneof({ weight: 3, arbitrary: literal }, { weight: 2, arbitrary: fc.constant('%') }, { weight: 2, arbitrary: fc.constant('_') }), { minLength: 1, maxLength: 5 })
    .map((pieces) => pieces.join(''))
    .filter((pattern) => {
      const fixed = encoder.encode(pattern.replaceAll('%', '')).length;
      const underscores = pattern.length - pattern.replaceAll('_', '').length;
      return underscores <= 2 && (env.classes.foldableStrings || (fixed > 0 && fixed <= width));
    });
}

/** ComputedString is a string expression the generator made (a column, SUBSTRING, CASE) and the most bytes it yields. */
interface ComputedString {
  readonly expr: Expr;
  readonly width: number;
}

const widthOf = (column: Column): number => (column.type.kind === 'char' || column.type.kind === 'varchar' ? (column.type.length ?? 64) : 64);

/** substringArb gives SUBSTRING of a string column: starts from -2 (before the first character) to past its end, lengths from 0, or none. */
function substringArb(column: Column): fc.Arbitrary<ComputedString> {
  return fc
    .tuple(fc.integer({ min: -2, max: 6 }), fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined, freq: 3 }), fc.boolean())
    .map(([start, count, commas]) => {
      const skip = Math.max(start, 1) - 1;
      const characters = count === undefined ? undefined : Math.max(skip, start + count - 1) - skip;
      // A character is at most four bytes.
      const width = characters === undefined ? widthOf(column) : Math.min(widthOf(column), characters * 4);
      return { expr: { t: 'substr', operand: { t: 'col', name: column.name }, start, ...(count === undefined ? {} : { count }), commas }, width };
    });
}

/**
 * stringExprArb gives a string the program computes: SUBSTRING of a string column, or a CASE of one or two
 * WHENs whose branches are string constants, string columns or SUBSTRINGs, with or without ELSE.
 */
function stringExprArb(env: Env): fc.Arbitrary<ComputedString> | undefined {
  const columns = strings(env.columns);
  if (columns.length === 0) return undefined;
  const substring = fc.constantFrom(...columns).chain(substringArb);
  const constant = fc.constantFrom('a', 'b', 'ab', 'x', 'é', '', 'Oslo').map((text): ComputedString => ({ expr: { t: 'str', text }, width: encoder.encode(text).length }));
  const column = fc.constantFrom(...columns).map((c): ComputedString => ({ expr: { t: 'col', name: c.name }, width: widthOf(c) }));
  const branch = fc.oneof(constant, column, substring);
  const caseArb = fc
    .tuple(fc.array(fc.tuple(leafPredArb(env), branch), { minLength: 1, maxLength: 2 }), fc.option(branch, { nil: undefined }))
    .map(([whens, otherwise]): ComputedString => ({
      expr: { t: 'case', whens: whens.map(([when, then]) => ({ when, then: then.expr })), ...(otherwise === undefined ? {} : { otherwise: otherwise.expr }) },
      width: Math.max(0, ...[...whens.map(([, then]) => then), ...(otherwise === undefined ? [] : [otherwise])].map((each) => each.width)),
    }));
  return fc.oneof(substring, caseArb);
}

/** computedStringPredArb tests a computed string: with a constant (=, <>), IN, LIKE, IS [NOT] NULL. */
function computedStringPredArb(env: Env): fc.Arbitrary<Pred> | undefined {
  const computed = stringExprArb(env);
  if (computed === undefined) return undefined;
  const pseudo = (width: number): Column => ({ name: '', type: { kind: 'varchar', length: Math.max(width, 1) } });
  return computed.chain(({ expr, width }) =>
    fc.oneof(
      fc.tuple(fc.constantFrom<CompareOp>('=', '<>'), stringLiteralArb(pseudo(width), env), fc.boolean()).map(([op, text, flip]): Pred => {
        const lit: Expr = { t: 'str', text };
        return flip ? { t: 'cmp', op, left: lit, right: expr } : { t: 'cmp', op, left: expr, right: lit };
      }),
      fc.tuple(fc.array(stringLiteralArb(pseudo(width), env), { minLength: 1, maxLength: 3 }), fc.boolean()).map(([texts, negated]): Pred => ({
        t: 'in', operand: expr, list: texts.map((text): Expr => ({ t: 'str', text })), negated,
      })),
      fc.tuple(likePatternArb(pseudo(width), env), fc.boolean()).map(([pattern, negated]): Pred => ({ t: 'like', operand: expr, pattern, negated })),
      fc.boolean().map((negated): Pred => ({ t: 'isnull', operand: expr, negated })),
    ),
  );
}

function compareOpArb(): fc.Arbitrary<CompareOp> {
  return fc.constantFrom<CompareOp>('=', '<>', '<', '<=', '>', '>=');
}

function leafPredArb(env: Env): fc.Arbitrary<Pred> {
  const options: { weight: number; arbitrary: fc.Arbitrary<Pred> }[] = [];
  options.push({
    weight: 4,
    arbitrary: fc.tuple(compareOpArb(), numericExprArb(env, 1), numericExprArb(env, 1)).map(([op, left, right]): Pred => ({ t: 'cmp', op, left, right })),
  });
  options.push({
    weight: 1,
    arbitrary: fc.tuple(numericExprArb(env, 1), literalArb(env.classes), literalArb(env.classes), fc.boolean()).map(([operand, low, high, negated]): Pred => ({ t: 'between', operand, low, high, negated })),
  });
  options.push({
    weight: 1,
    arbitrary: fc.tuple(numericExprArb(env, 0), fc.array(literalArb(env.classes), { minLength: 1, maxLength: 4 }), fc.boolean()).map(([operand, list, negated]): Pred => ({ t: 'in', operand, list, negated })),
  });
  const dateColumns = dates(env.columns);
  if (dateColumns.length > 0) {
    const column = fc.constantFrom(...dateColumns).map((c): Expr => ({ t: 'col', name: c.name }));
    options.push({
      weight: 3,
      arbitrary: fc.tuple(compareOpArb(), column, dateConstArb(env), fc.boolean()).map(([op, col, constant, flip]): Pred => (flip ? { t: 'cmp', op, left: constant, right: col } : { t: 'cmp', op, left: col, right: constant })),
    });
    options.push({
      weight: 1,
      arbitrary: fc.tuple(column, dateConstArb(env), dateConstArb(env), fc.boolean()).map(([operand, low, high, negated]): Pred => ({ t: 'between', operand, low, high, negated })),
    });
    options.push({
      weight: 1,
      arbitrary: fc.tuple(column, fc.array(dateConstArb(env), { minLength: 1, maxLength: 3 }), fc.boolean()).map(([operand, list, negated]): Pred => ({ t: 'in', operand, list, negated })),
    });
  }
  const stringColumns = strings(env.columns);
  if (stringColumns.length > 0) {
    const pick = fc.constantFrom(...stringColumns);
    options.push({
      weight: 3,
      arbitrary: pick.chain((c) =>
        fc.tuple(fc.constantFrom<CompareOp>('=', '<>'), stringLiteralArb(c, env), fc.boolean()).map(([op, text, flip]): Pred => {
          const col: Expr = { t: 'col', name: c.name };
          const lit: Expr = { t: 'str', text };
          return flip ? { t: 'cmp', op, left: lit, right: col } : { t: 'cmp', op, left: col, right: lit };
        }),
      ),
    });
    options.push({
      weight: 2,
      arbitrary: pick.chain((c) =>
        fc.tuple(fc.array(stringLiteralArb(c, env), { minLength: 1, maxLength: 4 }), fc.boolean()).map(([texts, negated]): Pred => ({
          t: 'in', operand: { t: 'col', name: c.name }, list: texts.map((text): Expr => ({ t: 'str', text })), negated,
        })),
      ),
    });
    options.push({
      weight: 3,
      arbitrary: pick.chain((c) =>
        fc.tuple(stringLiteralArb(c, env), fc.constantFrom('exact', 'prefix', 'suffix', 'infix'), fc.boolean()).map(([text, shape, negated]): Pred => {
          const core = text.replaceAll('%', '').replaceAll('_', '');
          const safe = env.classes.foldableStrings || core !== '' ? core : 'a';
          const pattern = shape === 'prefix' ? `${safe}%` : shape === 'suffix' ? `%${safe}` : shape === 'infix' ? `%${safe}%` : safe;
          return { t: 'like', operand: { t: 'col', name: c.name }, pattern, negated };
        }),
      ),
    });
    options.push({ weight: 3, arbitrary: pick.chain((c) => fc.tuple(likePatternArb(c, env), fc.boolean()).map(([pattern, negated]): Pred => ({ t: 'like', operand: { t: 'col', name: c.name }, pattern, negated }))) });
  }
  options.push({
    weight: 2,
    arbitrary: fc.tuple(fc.oneof(fc.constantFrom(...env.columns).map((c): Expr => ({ t: 'col', name: c.name })), numericExprArb(env, 1)), fc.boolean()).map(([operand, negated]): Pred => ({ t: 'isnull', operand, negated })),
  });
  return fc.oneof(...options);
}

function predArb(env: Env, depth: number): fc.Arbitrary<Pred> {
  if (depth <= 0) return leafPredArb(env);
  const computed = computedStringPredArb(env);
  return fc.oneof(
    { weight: 3, arbitrary: leafPredArb(env) },
    { weight: computed === undefined ? 0 : 1, arbitrary: computed ?? leafPredArb(env) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom<'and' | 'or'>('and', 'or'), predArb(env, depth - 1), predArb(env, depth - 1))
        .map(([t, left, right]): Pred => ({ t, left, right })),
    },
    { weight: 1, arbitrary: predArb(env, depth - 1).map((operand): Pred => ({ t: 'not', operand })) },
  );
}

/** oddPredArb gives conditions outside the supported SQL, which every path must refuse. */
function oddPredArb(env: Env): fc.Arbitrary<Pred> {
  const any = fc.constantFrom(...env.columns).map((c): Expr => ({ t: 'col', name: c.name }));
  return fc.oneof(
    fc.tuple(compareOpArb(), any, any).map(([op, left, right]): Pred => ({ t: 'cmp', op, left, right })),
    fc.tuple(any, fc.constantFrom('a_b', '%a%b%', 'ab', '%')).map(([operand, pattern]): Pred => ({ t: 'like', operand, pattern, negated: false })),
    fc.tuple(any, numericExprArb(env, 0)).map(([left, right]): Pred => ({ t: 'cmp', op: '=', left: { t: 'arith', op: '+', left, right }, right: { t: 'num', text: '1' } })),
    any.map((left): Pred => ({ t: 'cmp', op: '<', left, right: { t: 'str', text: 'x' } })),
  );
}

function aggregateArb(env: Env): fc.Arbitrary<Item> {
  const numericColumns = numeric(env.columns);
  const options: fc.Arbitrary<Item>[] = [
    fc.constant<Item>({ t: 'agg', fn: 'count' }),
    fc.constantFrom(...env.columns).map((c): Item => ({ t: 'agg', fn: 'count', arg: { t: 'col', name: c.name } })),
  ];
  if (numericColumns.length > 0) {
    options.push(
      fc.tuple(fc.constantFrom<AggFn>('sum', 'avg', 'min', 'max'), numericExprArb(env, 2)).map(([fn, arg]): Item => ({ t: 'agg', fn, arg })),
      fc.tuple(fc.constantFrom<AggFn>('sum', 'avg', 'min', 'max'), numericExprArb(env, 0)).map(([fn, arg]): Item => ({ t: 'agg', fn, arg })),
    );
  }
  const dateColumns = dates(env.columns);
  if (dateColumns.length > 0) {
    options.push(fc.tuple(fc.constantFrom<AggFn>('min', 'max'), fc.constantFrom(...dateColumns)).map(([fn, c]): Item => ({ t: 'agg', fn, arg: { t: 'col', name: c.name } })));
  }
  const computed = stringExprArb(env);
  if (computed !== undefined) options.push(computed.map(({ expr }): Item => ({ t: 'agg', fn: 'count', arg: expr })));
  return fc.oneof(...options);
}

/** oddAggregateArb gives aggregates Sluice does not support (strings in MIN/MAX/SUM, dates in SUM). */
function oddAggregateArb(env: Env): fc.Arbitrary<Item> {
  return fc
    .tuple(fc.constantFrom<AggFn>('sum', 'avg', 'min', 'max'), fc.constantFrom(...env.columns))
    .map(([fn, c]): Item => ({ t: 'agg', fn, arg: { t: 'col', name: c.name } }));
}

function queryArb(env: Env): fc.Arbitrary<Query> {
  // Computed GROUP BY keys: SUBSTRING and CASE of strings (a CASE without ELSE gives a NULL key where no WHEN holds).
  const computedKeys = stringExprArb(env)?.map(({ expr }) => expr);
  return fc
    .record({
      groupBy: fc.shuffledSubarray(env.columns.map((c) => c.name), { maxLength: Math.min(2, env.columns.length) }),
      keys: computedKeys === undefined ? fc.constant<Expr[]>([]) : fc.oneof({ weight: 3, arbitrary: fc.constant<Expr[]>([]) }, { weight: 1, arbitrary: fc.array(computedKeys, { minLength: 1, maxLength: 2 }) }),
      aggregates: fc.array(fc.oneof({ weight: 30, arbitrary: aggregateArb(env) }, { weight: 1, arbitrary: oddAggregateArb(env) }), { maxLength: 3 }),
      showGroups: fc.boolean(),
      where: fc.option(fc.oneof({ weight: 30, arbitrary: predArb(env, 2) }, { weight: 1, arbitrary: oddPredArb(env) }), { freq: 4 }),
      order: fc.array(fc.record({ position: fc.integer({ min: 1, max: 6 }), byAlias: fc.boolean(), desc: fc.boolean() }), { maxLength: 2 }),
      aliases: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
      limit: fc.option(fc.integer({ min: 0, max: 4 }), { freq: 4 }),
    })
    .map(({ groupBy, keys, aggregates, showGroups, where, order, aliases, limit }) => {
      const shownKeys = showGroups ? keys.map((_, index): Item => ({ t: 'key', index })) : [];
      const plain: Item[] = [...(showGroups ? groupBy.map((name): Item => ({ t: 'group', name })) : []), ...shownKeys, ...aggregates];
      const base = plain.length > 0 ? plain : [{ t: 'agg', fn: 'count' } as Item];
      const items = base.map((item, i) => (aliases[i] ? { ...item, alias: `a${i}` } : item));
      const orderBy: OrderBy[] = order.filter((key) => key.position <= items.length);
      return { items, groupBy, ...(keys.length === 0 ? {} : { keys }), orderBy, ...(where === null ? {} : { where }), ...(limit === null ? {} : { limit }) };
    });
}

// Chunkings and whole cases.

function cutsArb(length: number): fc.Arbitrary<number[]> {
  const regular = fc.constantFrom(1, 2, 3, 5, 7, 8, 13, 16, 31, 64, 100, 257, 4096).map((size) => {
    const cuts: number[] = [];
    for (let at = size; at < length; at += size) cuts.push(at);
    return cuts;
  });
  if (length < 2) return regular;
  const irregular = fc.uniqueArray(fc.integer({ min: 1, max: length - 1 }), { maxLength: Math.min(12, length - 1) }).map((cuts) => cuts.sort((a, b) => a - b));
  return fc.oneof(regular, irregular);
}

/** caseArb generates whole campaign cases; `classes` says which known classes of wrong answers may appear. */
export function caseArb(classes: Classes = NO_CLASSES): fc.Arbitrary<Case> {
  return fc.tuple(columnsArb, fc.constantFrom<FileFormat>('csv', 'csv', 'csv', 'tbl')).chain(([columns, format]) => {
    const env: Env = { columns, classes, format };
    return fc
      .record({
        data: fileArb(columns, format, classes),
        query: queryArb(env),
        onError: fc.constantFrom<'stop' | 'skip'>('stop', 'skip'),
        engine: fc.constantFrom<'interpreter' | 'jit'>('interpreter', 'jit'),
      })
      .chain(({ data, query, onError, engine }) =>
        cutsArb(data.length).map((cuts): Case => ({ format, columns, data, query, onError, cuts, engine })),
      );
  });
}
