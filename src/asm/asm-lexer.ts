// Assembler front end: the located error, the line tokenizer and a token cursor shared by both syntaxes.
import { SluiceError } from '../util/errors.js';

/** AssemblerError is a refused assembly source line, located as file:line:column. */
export class AssemblerError extends SluiceError {
  override name = 'AssemblerError';

  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}:${column}: ${reason}`);
  }
}

/** TokenKind classifies a token: a word (mnemonic, register, label), a number, a %register or punctuation. */
export type TokenKind = 'word' | 'number' | 'percent' | 'punct';

/** Token is one lexeme of a source line with its 1-based column. */
export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly column: number;
}

/** Where is the file and line a token list came from, for error messages. */
export interface Where {
  readonly file: string;
  readonly line: number;
}

// Longest first, so that `<<=` wins over `<<` and `<`.
const PUNCTUATION = [
  's>>=', '<<=', '>>=', 's/=', 's%=', 's>=', 's<=', 's>', 's<',
  '+=', '-=', '*=', '/=', '|=', '&=', '%=', '^=', '==', '!=', '>=', '<=',
  '=', '>', '<', '&', '+', '-', '*', '(', ')', '[', ']', ',', ':',
];

/** PUNCTUATION_BY_FIRST lists the operators starting with each character, longest first. */
const PUNCTUATION_BY_FIRST = new Map<string, string[]>();
for (const p of PUNCTUATION) PUNCTUATION_BY_FIRST.set(p[0]!, [...(PUNCTUATION_BY_FIRST.get(p[0]!) ?? []), p]);

/** punctuationAt returns the longest operator at text[i], or undefined. */
function punctuationAt(text: string, i: number): string | undefined {
  const candidates = PUNCTUATION_BY_FIRST.get(text[i]!);
  if (candidates) for (const p of candidates) if (text.startsWith(p, i)) return p;
  return undefined;
}

const WORD_START = /[A-Za-z_.$]/;
const WORD_CHAR = /[A-Za-z0-9_.$]/;
const DIGIT = /[0-9]/;
const NUMBER_CHAR = /[0-9A-Za-z_]/;
const NUMBER = /^(0[xX][0-9a-fA-F]+|[0-9]+)$/;
const SIGNED_OPERATOR_NEXT = /[<>/%]/;

/** stripComment removes a `#`, `//` or `;` comment from a source line. */
export function stripComment(text: string): string {
  const cut = text.search(/#|\/\/|;/);
  return cut < 0 ? text : text.slice(0, cut);
}

/** tokenize splits a comment-free line into tokens; `columnBase` is the column of text[0]. */
export function tokenize(text: string, where: Where, columnBase = 1): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const column = columnBase + i;
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      i++;
      continue;
    }
    if (ch === 's' && SIGNED_OPERATOR_NEXT.test(text[i + 1] ?? '')) {
      const op = punctuationAt(text, i);
      if (op) {
        tokens.push({ kind: 'punct', text: op, column });
        i += op.length;
        continue;
      }
    }
    if (WORD_START.test(ch) || (ch === '%' && WORD_START.test(text[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < text.length && WORD_CHAR.test(text[j]!)) j++;
      tokens.push({ kind: ch === '%' ? 'percent' : 'word', text: text.slice(i, j), column });
      i = j;
      continue;
    }
    if (DIGIT.test(ch)) {
      let j = i + 1;
      while (j < text.length && NUMBER_CHAR.test(text[j]!)) j++;
      const word = text.slice(i, j);
      if (!NUMBER.test(word)) {
        throw new AssemblerError(where.file, where.line, column, `'${word}' is not a number`);
      }
      tokens.push({ kind: 'number', text: word, column });
      i = j;
      continue;
    }
    const op = punctuationAt(text, i);
    if (!op) throw new AssemblerError(where.file, where.line, column, `unexpected character '${ch}'`);
    tokens.push({ kind: 'punct', text: op, column });
    i += op.length;
  }
  return tokens;
}

/** TokenCursor walks a line's tokens and reports errors at the token where parsing stopped. */
export class TokenCursor {
  private at = 0;

  constructor(
    readonly tokens: readonly Token[],
    readonly where: Where,
    /** Column just past the line's last character, for "expected ... at end of line". */
    readonly endColumn: number,
  ) {}

  /** peek returns the token `ahead` positions on, or undefined past the end. */
  peek(ahead = 0): Token | undefined {
    return this.tokens[this.at + ahead];
  }

  /** atEnd is true once every token has been consumed. */
  atEnd(): boolean {
    return this.at >= this.tokens.length;
  }

  /** next consumes and returns the current token, failing with `expected` at the end of the line. */
  next(expected: string): Token {
    const token = this.tokens[this.at];
    if (!token) throw this.fail(`expected ${expected} at end of line`);
    this.at++;
    return token;
  }

  /** is tells whether the current token's text is `text` (without consuming it). */
  is(text: string, ahead = 0): boolean {
    return this.tokens[this.at + ahead]?.text === text;
  }

  /** accept consumes the current token if its text is `text`. */
  accept(text: string): boolean {
    if (!this.is(text)) return false;
    this.at++;
    return true;
  }

  /** expect consumes a token whose text must be `text`. */
  expect(text: string): Token {
    const token = this.peek();
    if (token?.text !== text) throw this.fail(`expected '${text}'${token ? `, found '${token.text}'` : ''}`);
    this.at++;
    return token;
  }

  /** expectEnd fails if tokens remain on the line. */
  expectEnd(what: string): void {
    const token = this.peek();
    if (token) throw this.fail(`unexpected '${token.text}' after ${what}`, token);
  }

  /** fail builds an AssemblerError at `token` (default: the current token, or the end of the line). */
  fail(reason: string, token: Token | undefined = this.peek()): AssemblerError {
    const column = token ? token.column : this.endColumn;
    return new AssemblerError(this.where.file, this.where.line, column, reason);
  }
}
