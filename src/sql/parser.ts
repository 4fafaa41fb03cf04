// Recursive-descent parser for Sluice's SQL subset: one SELECT of aggregates over one table or an inner join of several.
import type { AstExpr, CaseWhen, DateField, IntervalUnit, OrderItem, SelectItem, SelectStatement, Span, TableRef } from './ast.js';
import { QueryError } from './errors.js';
import { tokenize, type Token } from './lexer.js';
import type { SqlType } from '../values/types.js';

const AGGREGATES = new Set(['count', 'sum', 'min', 'max', 'avg']);
const JOIN_WORDS = new Set(['join', 'inner', 'left', 'right', 'full', 'cross', 'natural', 'outer']);
/** Words that end a SELECT item or table name, so they are never taken as a bare alias. */
const RESERVED = new Set([
  'select', 'from', 'where', 'group', 'by', 'order', 'limit', 'having', 'as', 'and', 'or', 'not', 'between', 'in',
  'like', 'is', 'asc', 'desc', 'case', 'when', 'then', 'else', 'end', 'union', 'intersect', 'except', 'offset', 'fetch', 'window', 'on', 'using',
  ...JOIN_WORDS,
]);
const UNSUPPORTED_CLAUSES: Record<string, string> = {
  having: 'HAVING must follow GROUP BY (or stand after WHERE) and come before ORDER BY',
  union: 'UNION is not supported',
  intersect: 'INTERSECT is not supported',
  except: 'EXCEPT is not supported',
  offset: 'OFFSET is not supported',
  fetch: 'FETCH is not supported; use LIMIT',
  window: 'window functions are not supported',
};

/**
 * MAX_EXPR_DEPTH bounds how deeply expressions nest (parentheses, NOT, unary minus, and chains of
 * + - * written without parentheses, which nest to the left): the parser, binder and code generator
 * recurse over expressions, and a bound with a clear error beats a stack overflow. AND and OR chains
 * of any length are fine: they are built as balanced trees and flattened by the binder.
 */
export const MAX_EXPR_DEPTH = 256;

/** parseSelect parses one SELECT statement; `file` names the text in errors (e.g. `query.sql`). */
export function parseSelect(sql: string, file: string): SelectStatement {
  return new Parser(tokenize(sql, file), file).statement();
}

class Parser {
  private index = 0;
  /** Expressions being parsed, one inside another (the parser's own recursion). */
  private nesting = 0;
  /** The depth of each expression node built (leaves are 1). */
  private readonly depths = new WeakMap<object, number>();

  constructor(
    private readonly tokens: readonly Token[],
    private readonly file: string,
  ) {}

  statement(): SelectStatement {
    if (this.peekWord('with')) this.fail(this.peek(), 'WITH (common table expressions) is not supported');
    this.expectWord('select');
    const distinctAt = this.peek();
    const distinct = this.acceptWord('distinct') ? this.spanFrom(distinctAt) : undefined;
    if (distinct === undefined && this.peekWord('all')) this.next();
    const items = this.list(() => this.selectItem());
    this.expectWord('from');
    const table = this.tableName();
    const joins = this.joinedTables();
    const where = this.acceptWord('where') ? this.expr() : undefined;
    const groupBy = this.acceptWord('group') ? (this.expectWord('by'), this.list(() => this.expr())) : [];
    const having = this.acceptWord('having') ? this.expr() : undefined;
    this.refuseClause();
    const orderBy = this.acceptWord('order') ? (this.expectWord('by'), this.list(() => this.orderItem())) : [];
    const limit = this.acceptWord('limit') ? this.limit() : undefined;
    this.refuseClause();
    this.acceptSymbol(';');
    const end = this.peek();
    if (end.kind !== 'end') this.fail(end, `unexpected ${describe(end)} after the end of the query`);
    return { items, table, joins, groupBy, orderBy, ...(where && { where }), ...(having && { having }), ...(limit && { limit }), ...(distinct && { distinct }) };
  }

  private refuseClause(): void {
    const token = this.peek();
    const reason = token.kind === 'identifier' ? UNSUPPORTED_CLAUSES[token.lower] : undefined;
    if (reason !== undefined) this.fail(token, reason);
  }

  private selectItem(): SelectItem {
    const token = this.peek();
    if (this.isSymbol(token, '*')) {
      this.next();
      return { expr: { kind: 'identifier', name: '*', ...this.spanFrom(token) }, star: true };
    }
    const expr = this.expr();
    if (this.acceptWord('as')) return { expr, alias: this.name('an alias') };
    const next = this.peek();
    if ((next.kind === 'identifier' && !RESERVED.has(next.lower)) || next.kind === 'quoted-identifier') {
      return { expr, alias: this.name('an alias') };
    }
    return { expr };
  }

  /** joinedTables parses the tables after the first: `, t` or `[INNER] JOIN t ON condition`; other joins are refused. */
  private joinedTables(): TableRef[] {
    const tables: TableRef[] = [];
    for (;;) {
      if (this.acceptSymbol(',')) {
        tables.push(this.tableName());
        continue;
      }
      const token = this.peek();
      if (token.kind !== 'identifier' || !JOIN_WORDS.has(token.lower)) return tables;
      if (token.lower !== 'join' && token.lower !== 'inner') this.fail(token, `${token.text.toUpperCase()} JOIN is not supported; only inner joins (JOIN ... ON, or tables separated by commas with the join condition in WHERE)`);
      this.acceptWord('inner');
      this.expectWord('join');
      const joined = this.tableName();
      if (this.peekWord('using')) this.fail(this.peek(), 'JOIN ... USING is not supported; write JOIN ... ON a = b');
      this.expectWord('on');
      tables.push({ ...joined, on: this.expr() });
    }
  }

  private tableName(): { name: string } & Span {
    const token = this.peek();
    if (this.isSymbol(token, '(')) this.fail(token, 'subqueries are not supported');
    const name = this.name('a table name');
    if (this.isSymbol(this.peek(), '.')) this.fail(this.peek(), 'schema-qualified table names are not supported');
    if (this.peek().kind === 'identifier' && !RESERVED.has(this.peek().lower)) {
      this.fail(this.peek(), 'table aliases are not supported');
    }
    return { name: name.toLowerCase(), ...this.spanFrom(token) };
  }

  private orderItem(): OrderItem {
    const expr = this.expr();
    if (this.acceptWord('desc')) return { expr, desc: true };
    this.acceptWord('asc');
    if (this.peekWord('nulls')) this.fail(this.peek(), 'NULLS FIRST/LAST is not supported');
    return { expr, desc: false };
  }

  private limit(): { value: number } & Span {
    const token = this.next();
    if (token.kind !== 'number' || !/^\d+$/.test(token.text) || !Number.isSafeInteger(Number(token.text))) {
      this.fail(token, 'LIMIT needs a whole number');
    }
    return { value: Number(token.text), ...this.spanFrom(token) };
  }

  // Expressions, lowest precedence first: OR, AND, NOT, predicates, + -, *, unary, primary.

  private expr(): AstExpr {
    return this.nested(() => this.or());
  }

  /** nested runs one level of the parser's recursion, refusing input nested beyond MAX_EXPR_DEPTH. */
  private nested<T>(parse: () => T): T {
    if (this.nesting >= MAX_EXPR_DEPTH) this.tooDeep(this.peek());
    this.nesting++;
    try {
      return parse();
    } finally {
      this.nesting--;
    }
  }

  /** node records a new node's depth (one more than its deepest child), refusing one beyond MAX_EXPR_DEPTH. */
  private node<T extends AstExpr>(built: T, at: Token, ...children: AstExpr[]): T {
    let depth = 1;
    for (const child of children) depth = Math.max(depth, (this.depths.get(child) ?? 1) + 1);
    if (depth > MAX_EXPR_DEPTH) this.tooDeep(at);
    this.depths.set(built, depth);
    return built;
  }

  private tooDeep(at: Token): never {
    return this.fail(at, `the expression nests more than ${MAX_EXPR_DEPTH} levels deep here (parentheses, NOT, signs, or a chain of + - * operators); split it or simplify it`);
  }

  private or(): AstExpr {
    const operands = [this.and()];
    while (this.acceptWord('or')) operands.push(this.and());
    return this.balanced('or', operands, 0, operands.length);
  }

  private and(): AstExpr {
    const operands = [this.not()];
    while (this.acceptWord('and')) operands.push(this.not());
    return this.balanced('and', operands, 0, operands.length);
  }

  /** balanced joins operands[from..to) with AND or OR as a balanced tree, so long chains stay shallow. */
  private balanced(kind: 'and' | 'or', operands: readonly AstExpr[], from: number, to: number): AstExpr {
    if (to - from === 1) return operands[from] as AstExpr;
    const middle = (from + to) >> 1;
    const left = this.balanced(kind, operands, from, middle);
    const right = this.balanced(kind, operands, middle, to);
    return this.copyDepth({ kind, left, right, position: left.position, start: left.start, end: right.end }, left, right);
  }

  private copyDepth<T extends AstExpr>(built: T, ...children: AstExpr[]): T {
    this.depths.set(built, 1 + Math.max(...children.map((child) => this.depths.get(child) ?? 1)));
    return built;
  }

  private not(): AstExpr {
    const first = this.peek();
    if (this.acceptWord('not')) {
      const operand = this.nested(() => this.not());
      return this.node({ kind: 'not', operand, ...this.spanFrom(first) }, first, operand);
    }
    return this.predicate();
  }

  private predicate(): AstExpr {
    const first = this.peek();
    const left = this.additive();
    const token = this.peek();
    const op = this.compareOp(token);
    if (op !== undefined) {
      this.next();
      const right = this.additive();
      return this.node({ kind: 'compare', op, left, right, ...this.spanFrom(first) }, token, left, right);
    }
    if (this.acceptWord('is')) {
      const negated = this.acceptWord('not');
      if (!this.acceptWord('null')) this.fail(this.peek(), `expected NULL after IS${negated ? ' NOT' : ''} (IS [NOT] NULL is the only IS test), found ${describe(this.peek())}`);
      return this.node({ kind: 'isnull', operand: left, negated, ...this.spanFrom(first) }, token, left);
    }
    const negated = this.peekWord('not') && ['between', 'in', 'like'].includes(this.peek(1).lower);
    if (negated) this.next();
    if (this.acceptWord('between')) {
      const low = this.additive();
      this.expectWord('and');
      const high = this.additive();
      return this.node({ kind: 'between', operand: left, low, high, negated, ...this.spanFrom(first) }, token, left, low, high);
    }
    if (this.acceptWord('in')) {
      this.expectSymbol('(');
      if (this.peekWord('select')) this.fail(this.peek(), 'subqueries are not supported');
      const list = this.list(() => this.additive());
      this.expectSymbol(')');
      return this.node({ kind: 'in', operand: left, list, negated, ...this.spanFrom(first) }, token, left, ...list);
    }
    if (this.acceptWord('like')) {
      const pattern = this.additive();
      if (this.peekWord('escape')) this.fail(this.peek(), "LIKE ... ESCAPE is not supported: patterns have no escape character, '%' and '_' are always wildcards");
      return this.node({ kind: 'like', operand: left, pattern, negated, ...this.spanFrom(first) }, token, left, pattern);
    }
    if (this.peekWord('ilike') || this.peekWord('similar')) this.fail(token, `${token.text.toUpperCase()} is not supported`);
    return left;
  }

  private compareOp(token: Token): '=' | '<>' | '<' | '<=' | '>' | '>=' | undefined {
    if (token.kind !== 'symbol') return undefined;
    if (token.text === '!=') return '<>';
    return (['=', '<>', '<', '<=', '>', '>='] as const).find((op) => op === token.text);
  }

  private additive(): AstExpr {
    const first = this.peek();
    let left = this.multiplicative();
    for (;;) {
      const token = this.peek();
      if (this.isSymbol(token, '||')) this.fail(token, 'string concatenation (||) is not supported');
      if (!this.isSymbol(token, '+') && !this.isSymbol(token, '-')) return left;
      this.next();
      const op = token.text as '+' | '-';
      const right = this.multiplicative();
      left = this.node({ kind: 'arith', op, left, right, ...this.spanFrom(first) }, token, left, right);
    }
  }

  private multiplicative(): AstExpr {
    const first = this.peek();
    let left = this.unary();
    for (;;) {
      const token = this.peek();
      if (this.isSymbol(token, '%')) this.fail(token, 'the modulo operator is not supported');
      if (!this.isSymbol(token, '*') && !this.isSymbol(token, '/')) return left;
      this.next();
      const right = this.unary();
      left = this.node({ kind: 'arith', op: token.text as '*' | '/', left, right, ...this.spanFrom(first) }, token, left, right);
    }
  }

  private unary(): AstExpr {
    const first = this.peek();
    if (this.acceptSymbol('-')) {
      const operand = this.nested(() => this.unary());
      return this.node({ kind: 'negate', operand, ...this.spanFrom(first) }, first, operand);
    }
    if (this.acceptSymbol('+')) return this.nested(() => this.unary());
    return this.primary();
  }

  private primary(): AstExpr {
    const token = this.next();
    if (token.kind === 'number') return { kind: 'number', text: token.text, ...this.spanFrom(token) };
    if (token.kind === 'string') return { kind: 'string', text: token.text, ...this.spanFrom(token) };
    if (token.kind === 'quoted-identifier') return this.columnName(token);
    if (this.isSymbol(token, '(')) {
      if (this.peekWord('select')) this.fail(this.peek(), 'subqueries are not supported');
      const inner = this.expr();
      this.expectSymbol(')');
      return this.copyDepth({ ...inner, ...this.spanFrom(token) }, inner);
    }
    if (token.kind !== 'identifier') this.fail(token, `expected an expression, found ${describe(token)}`);
    if (token.lower === 'date' && this.peek().kind === 'string') {
      return { kind: 'date', text: this.next().text, ...this.spanFrom(token) };
    }
    if (token.lower === 'interval' && this.peek().kind === 'string') return this.interval(token);
    if (token.lower === 'case') return this.caseExpr(token);
    if (token.lower === 'extract' && this.isSymbol(this.peek(), '(')) return this.extract(token);
    if (token.lower === 'cast' && this.isSymbol(this.peek(), '(')) return this.cast(token);
    if (token.lower === 'substring' && this.isSymbol(this.peek(), '(')) return this.substring(token);
    if (token.lower === 'exists') this.fail(token, 'subqueries are not supported');
    if (token.lower === 'null') this.fail(token, 'the NULL literal is not supported; test for NULL with IS [NOT] NULL');
    if (this.isSymbol(this.peek(), '(')) return this.call(token);
    if (RESERVED.has(token.lower)) this.fail(token, `expected an expression, found ${describe(token)}`);
    return this.columnName(token);
  }

  /** columnName reads `column` or `table.column`. */
  private columnName(token: Token): AstExpr {
    const first = token.kind === 'quoted-identifier' ? token.text : token.lower;
    if (!this.acceptSymbol('.')) return { kind: 'identifier', name: first, ...this.spanFrom(token) };
    const name = this.name('a column name');
    if (this.isSymbol(this.peek(), '.')) this.fail(this.peek(), 'schema-qualified column names are not supported');
    return { kind: 'identifier', name, table: first.toLowerCase(), ...this.spanFrom(token) };
  }

  private interval(first: Token): AstExpr {
    const text = this.next().text;
    const unitToken = this.next();
    const unit = unitToken.kind === 'identifier' ? unitToken.lower.replace(/s$/, '') : '';
    if (unit !== 'day' && unit !== 'month' && unit !== 'year') {
      this.fail(unitToken, `expected an interval unit (day, month or year), found ${describe(unitToken)}`);
    }
    // SQL allows a leading-field precision, as in TPC-H Q1's `interval '90' day (3)`; it does not change the value.
    if (this.isSymbol(this.peek(), '(') && this.peek(1).kind === 'number' && this.isSymbol(this.peek(2), ')')) {
      this.index += 3;
    }
    return { kind: 'interval', text, unit: unit as IntervalUnit, ...this.spanFrom(first) };
  }

  /** caseExpr parses a searched CASE, or a simple one (`CASE x WHEN v ...`, each WHEN read as `x = v`). */
  private caseExpr(first: Token): AstExpr {
    const operand = this.peekWord('when') ? undefined : this.expr();
    const whens: CaseWhen[] = [];
    const children: AstExpr[] = operand === undefined ? [] : [operand];
    while (this.peekWord('when')) {
      const at = this.next();
      const written = this.expr();
      const when: AstExpr = operand === undefined
        ? written
        : this.node({ kind: 'compare', op: '=', left: operand, right: written, position: written.position, start: written.start, end: written.end }, at, operand, written);
      this.expectWord('then');
      const then = this.expr();
      whens.push({ when, then });
      children.push(when, then);
    }
    if (whens.length === 0) this.fail(this.peek(), `expected WHEN, found ${describe(this.peek())}`);
    const otherwise = this.acceptWord('else') ? this.expr() : undefined;
    if (otherwise !== undefined) children.push(otherwise);
    this.expectWord('end');
    return this.node({ kind: 'case', whens, ...(otherwise !== undefined && { otherwise }), ...this.spanFrom(first) }, first, ...children);
  }

  /** extract parses `EXTRACT(year|month|day FROM expr)`. */
  private extract(first: Token): AstExpr {
    this.expectSymbol('(');
    const fieldToken = this.next();
    const field = fieldToken.lower;
    if (fieldToken.kind !== 'identifier' || (field !== 'year' && field !== 'month' && field !== 'day')) {
      this.fail(fieldToken, `EXTRACT supports YEAR, MONTH and DAY, found ${describe(fieldToken)}`);
    }
    this.expectWord('from');
    const operand = this.expr();
    this.expectSymbol(')');
    return this.node({ kind: 'extract', field: field as DateField, operand, ...this.spanFrom(first) }, first, operand);
  }

  /** substring parses `SUBSTRING(expr FROM a [FOR n])` and `SUBSTRING(expr, a [, n])`. */
  private substring(first: Token): AstExpr {
    this.expectSymbol('(');
    const operand = this.expr();
    const standard = this.acceptWord('from');
    if (!standard) this.expectSymbol(',');
    const from = this.expr();
    let count: AstExpr | undefined;
    if (standard ? this.acceptWord('for') : this.isSymbol(this.peek(), ',') && (this.next(), true)) count = this.expr();
    this.expectSymbol(')');
    return this.node({ kind: 'substring', operand, from, ...(count && { count }), ...this.spanFrom(first) }, first, operand, from, ...(count ? [count] : []));
  }

  /** cast parses `CAST(expr AS type)`: integer, bigint, decimal(p,s), numeric(p,s), date, or a text type (refused by the binder). */
  private cast(first: Token): AstExpr {
    this.expectSymbol('(');
    const operand = this.expr();
    this.expectWord('as');
    const typeToken = this.next();
    const name = typeToken.lower;
    let target: SqlType;
    if (name === 'integer' || name === 'int' || name === 'bigint') target = { kind: 'integer' };
    else if (name === 'date') target = { kind: 'date' };
    else if (name === 'varchar' || name === 'char' || name === 'text') target = { kind: 'varchar' };
    else if (name === 'decimal' || name === 'numeric') {
      this.expectSymbol('(');
      const precision = this.next();
      this.expectSymbol(',');
      const scale = this.next();
      this.expectSymbol(')');
      const [p, s] = [Number(precision.text), Number(scale.text)];
      if (precision.kind !== 'number' || scale.kind !== 'number' || !Number.isInteger(p) || !Number.isInteger(s) || p < 1 || p > 38 || s < 0 || s > p) {
        this.fail(precision, 'DECIMAL needs a precision of 1 to 38 and a scale of 0 to the precision, e.g. DECIMAL(15,2)');
      }
      target = { kind: 'decimal', precision: p, scale: s };
    } else {
      return this.fail(typeToken, `CAST supports INTEGER, BIGINT, DECIMAL(p,s) and DATE, found ${describe(typeToken)}`);
    }
    this.expectSymbol(')');
    return this.node({ kind: 'cast', operand, target, ...this.spanFrom(first) }, first, operand);
  }

  private call(name: Token): AstExpr {
    if (!AGGREGATES.has(name.lower)) this.fail(name, `function ${name.text.toUpperCase()} is not supported (only COUNT, SUM, MIN, MAX, AVG)`);
    this.expectSymbol('(');
    const distinct = this.peekWord('distinct') ? this.next() : undefined;
    if (distinct !== undefined && name.lower !== 'count') this.fail(distinct, `${name.text.toUpperCase()}(DISTINCT ...) is not supported; only COUNT(DISTINCT ...) is`);
    let arg: AstExpr | 'star';
    if (this.isSymbol(this.peek(), '*')) {
      if (name.lower !== 'count' || distinct) this.fail(this.peek(), `${name.text.toUpperCase()}(${distinct ? 'DISTINCT ' : ''}*) is not valid; only COUNT(*) is`);
      this.next();
      arg = 'star';
    } else {
      arg = this.expr();
    }
    this.expectSymbol(')');
    if (this.peekWord('over')) this.fail(this.peek(), 'window functions are not supported');
    const fn = name.lower as 'count' | 'sum' | 'min' | 'max' | 'avg';
    return this.node({ kind: 'aggregate', fn, arg, ...(distinct && { distinct: true as const }), ...this.spanFrom(name) }, name, ...(arg === 'star' ? [] : [arg]));
  }

  // Token helpers.

  private list<T>(item: () => T): T[] {
    const items = [item()];
    while (this.acceptSymbol(',')) items.push(item());
    return items;
  }

  private name(what: string): string {
    const token = this.next();
    if (token.kind === 'quoted-identifier') return token.text;
    if (token.kind !== 'identifier' || RESERVED.has(token.lower)) this.fail(token, `expected ${what}, found ${describe(token)}`);
    return token.lower;
  }

  private spanFrom(first: Token): Span {
    const last = this.tokens[this.index - 1] ?? first;
    return { position: first.position, start: first.start, end: last.end };
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index++;
    return token;
  }

  private isSymbol(token: Token, symbol: string): boolean {
    return token.kind === 'symbol' && token.text === symbol;
  }

  private peekWord(word: string): boolean {
    const token = this.peek();
    return token.kind === 'identifier' && token.lower === word;
  }

  private acceptWord(word: string): boolean {
    if (!this.peekWord(word)) return false;
    this.next();
    return true;
  }

  private expectWord(word: string): void {
    const token = this.peek();
    if (!this.acceptWord(word)) this.fail(token, `expected ${word.toUpperCase()}, found ${describe(token)}`);
  }

  private acceptSymbol(symbol: string): boolean {
    if (!this.isSymbol(this.peek(), symbol)) return false;
    this.next();
    return true;
  }

  private expectSymbol(symbol: string): void {
    const token = this.peek();
    if (!this.acceptSymbol(symbol)) this.fail(token, `expected '${symbol}', found ${describe(token)}`);
  }

  private fail(token: Token, reason: string): never {
    throw new QueryError(this.file, token.position, reason);
  }
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'the end of the query';
    case 'string':
      return `string '${token.text}'`;
    case 'number':
      return `number ${token.text}`;
    case 'symbol':
      return `'${token.text}'`;
    default:
      return `'${token.text}'`;
  }
}
