// Splits SQL text into tokens with line and column, skipping whitespace and -- and /* */ comments.
import { QueryError, type SourcePosition } from './errors.js';

/** TokenKind classifies a token; keywords are identifiers (compare `lower`). */
export type TokenKind = 'identifier' | 'quoted-identifier' | 'number' | 'string' | 'symbol' | 'end';

/** Token is one lexical unit; `start`/`end` are offsets into the SQL text, `lower` the lower-cased text. */
export interface Token {
  readonly kind: TokenKind;
  /** The token's value: identifier text, number text, string contents (quotes removed), or the symbol. */
  readonly text: string;
  readonly lower: string;
  readonly start: number;
  readonly end: number;
  readonly position: SourcePosition;
}

const SYMBOLS = ['<>', '!=', '<=', '>=', '||', '(', ')', ',', '*', '+', '-', '/', ';', '=', '<', '>', '.', '%'];

/** tokenize returns the tokens of `sql`, ending with one 'end' token; `file` names the text in errors. */
export function tokenize(sql: string, file: string): Token[] {
  const tokens: Token[] = [];
  const lineStarts = [0];
  for (let i = 0; i < sql.length; i++) if (sql[i] === '\n') lineStarts.push(i + 1);
  const positionOf = (offset: number): SourcePosition => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((lineStarts[mid] as number) <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - (lineStarts[low] as number) + 1 };
  };
  const fail = (offset: number, reason: string): never => {
    throw new QueryError(file, positionOf(offset), reason);
  };
  const push = (kind: TokenKind, text: string, start: number, end: number): void => {
    tokens.push({ kind, text, lower: text.toLowerCase(), start, end, position: positionOf(start) });
  };

  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (sql.startsWith('--', i)) {
      while (i < sql.length && sql[i] !== '\n') i++;
    } else if (sql.startsWith('/*', i)) {
      const close = sql.indexOf('*/', i + 2);
      if (close < 0) fail(i, 'unterminated /* comment');
      i = close + 2;
    } else if (/[A-Za-z_]/.test(c)) {
      const start = i;
      while (i < sql.length && /[A-Za-z0-9_$]/.test(sql[i] as string)) i++;
      push('identifier', sql.slice(start, i), start, i);
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      const start = i;
      while (i < sql.length && /[0-9]/.test(sql[i] as string)) i++;
      if (sql[i] === '.') {
        i++;
        while (i < sql.length && /[0-9]/.test(sql[i] as string)) i++;
      }
      if (/[eE]/.test(sql[i] ?? '')) fail(start, 'numbers in exponent notation are not supported; write the digits');
      if (/[A-Za-z_]/.test(sql[i] ?? '')) fail(i, `unexpected '${sql[i]}' after a number`);
      push('number', sql.slice(start, i), start, i);
    } else if (c === "'" || c === '"') {
      const start = i;
      let text = '';
      i++;
      for (;;) {
        if (i >= sql.length) fail(start, c === "'" ? 'unterminated string literal' : 'unterminated quoted identifier');
        if (sql[i] === c) {
          if (sql[i + 1] === c) {
            text += c;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += sql[i];
        i++;
      }
      push(c === "'" ? 'string' : 'quoted-identifier', text, start, i);
    } else if (c === ':' && /[0-9A-Za-z_]/.test(sql[i + 1] ?? '')) {
      fail(i, `query parameters like ${sql.slice(i, i + 2)} are not supported; substitute a value`);
    } else {
      const symbol = SYMBOLS.find((s) => sql.startsWith(s, i));
      if (symbol === undefined) fail(i, `unexpected character '${c}'`);
      push('symbol', symbol as string, i, i + (symbol as string).length);
      i += (symbol as string).length;
    }
  }
  push('end', '', sql.length, sql.length);
  return tokens;
}
