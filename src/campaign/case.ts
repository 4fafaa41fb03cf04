// The query campaign's own description of a random case (schema, file bytes, query) and its rendering to SQL text.

/** ColType is a column type as the campaign knows it (its own copy, independent of Sluice's SqlType). */
export type ColType =
  | { readonly kind: 'integer'; readonly spelling: 'integer' | 'bigint' }
  | { readonly kind: 'decimal'; readonly precision: number; readonly scale: number }
  | { readonly kind: 'date' }
  | { readonly kind: 'char'; readonly length: number }
  | { readonly kind: 'varchar'; readonly length?: number };

/** Column is one column of the random table. */
export interface Column {
  readonly name: string;
  readonly type: ColType;
}

/** FileFormat says how the table file is laid out: CSV with a header, or a TPC-H style `.tbl` file. */
export type FileFormat = 'csv' | 'tbl';

/** Expr is a value expression of the random query, before any typing. */
export type Expr =
  | { readonly t: 'col'; readonly name: string }
  | { readonly t: 'num'; readonly text: string }
  | { readonly t: 'str'; readonly text: string }
  | { readonly t: 'date'; readonly text: string }
  | { readonly t: 'interval'; readonly amount: string; readonly unit: 'day' | 'month' | 'year' }
  | { readonly t: 'neg'; readonly operand: Expr }
  | { readonly t: 'arith'; readonly op: '+' | '-' | '*'; readonly left: Expr; readonly right: Expr }
  /** SUBSTRING(operand FROM start [FOR count]), or with commas: SUBSTRING(operand, start [, count]). */
  | { readonly t: 'substr'; readonly operand: Expr; readonly start: number; readonly count?: number; readonly commas: boolean }
  /** CASE WHEN … THEN … [ELSE …] END. */
  | { readonly t: 'case'; readonly whens: readonly { readonly when: Pred; readonly then: Expr }[]; readonly otherwise?: Expr };

/** CompareOp is a comparison operator of the random query. */
export type CompareOp = '=' | '<>' | '<' | '<=' | '>' | '>=';

/** Pred is a condition of the random query. */
export type Pred =
  | { readonly t: 'cmp'; readonly op: CompareOp; readonly left: Expr; readonly right: Expr }
  | { readonly t: 'between'; readonly operand: Expr; readonly low: Expr; readonly high: Expr; readonly negated: boolean }
  | { readonly t: 'in'; readonly operand: Expr; readonly list: readonly Expr[]; readonly negated: boolean }
  | { readonly t: 'like'; readonly operand: Expr; readonly pattern: string; readonly negated: boolean }
  | { readonly t: 'and' | 'or'; readonly left: Pred; readonly right: Pred }
  | { readonly t: 'not'; readonly operand: Pred }
  | { readonly t: 'isnull'; readonly operand: Expr; readonly negated: boolean };

/** AggFn is an aggregate function of the random query. */
export type AggFn = 'count' | 'sum' | 'min' | 'max' | 'avg';

/** Item is one SELECT item: an aggregate (COUNT(*) when `arg` is absent), a bare column, or a computed GROUP BY key (Query.keys). */
export type Item =
  | { readonly t: 'agg'; readonly fn: AggFn; readonly arg?: Expr; readonly alias?: string }
  | { readonly t: 'group'; readonly name: string; readonly alias?: string }
  | { readonly t: 'key'; readonly index: number; readonly alias?: string };

/** OrderBy names an output by 1-based position or by its alias. */
export interface OrderBy {
  readonly position: number;
  readonly byAlias: boolean;
  readonly desc: boolean;
}

/** Query is the random query: one table, its items, filter, grouping, ordering and limit. */
export interface Query {
  readonly items: readonly Item[];
  readonly where?: Pred;
  readonly groupBy: readonly string[];
  /** Computed GROUP BY keys (SUBSTRING, CASE), after the columns of `groupBy`; an Item of kind 'key' selects one. */
  readonly keys?: readonly Expr[];
  readonly orderBy: readonly OrderBy[];
  readonly limit?: number;
}

/** Case is one campaign case: everything Sluice and the reference need, plus how the file is chunked. */
export interface Case {
  readonly format: FileFormat;
  readonly columns: readonly Column[];
  /** The table file's bytes, header included for CSV. */
  readonly data: Uint8Array;
  readonly query: Query;
  readonly onError: 'stop' | 'skip';
  /** Ascending cut points strictly inside the file: chunk i is data[cuts[i-1]..cuts[i]). */
  readonly cuts: readonly number[];
  readonly engine: 'interpreter' | 'jit';
}

/** TABLE is the random table's name. */
export const TABLE = 't';

/** typeText renders a column type as a schema file spells it. */
export function typeText(type: ColType): string {
  switch (type.kind) {
    case 'integer':
      return type.spelling;
    case 'decimal':
      return `decimal(${type.precision},${type.scale})`;
    case 'date':
      return 'date';
    case 'char':
      return `char(${type.length})`;
    case 'varchar':
      return type.length === undefined ? 'varchar' : `varchar(${type.length})`;
  }
}

/** schemaText renders the sibling schema file. */
export function schemaText(columns: readonly Column[]): string {
  return columns.map((column) => `${column.name} ${typeText(column.type)}\n`).join('');
}

/** quoteString renders a SQL string literal. */
function quoteString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** exprSql renders a value expression, parenthesising every compound operand. */
export function exprSql(expr: Expr): string {
  switch (expr.t) {
    case 'col':
      return expr.name;
    case 'num':
      return expr.text;
    case 'str':
      return quoteString(expr.text);
    case 'date':
      return `date ${quoteString(expr.text)}`;
    case 'interval':
      return `interval ${quoteString(expr.amount)} ${expr.unit}`;
    case 'neg':
      return `-(${exprSql(expr.operand)})`;
    case 'arith':
      return `(${exprSql(expr.left)} ${expr.op} ${exprSql(expr.right)})`;
    case 'substr': {
      const count = expr.count === undefined ? '' : expr.commas ? `, ${expr.count}` : ` for ${expr.count}`;
      return `substring(${exprSql(expr.operand)}${expr.commas ? ', ' : ' from '}${expr.start}${count})`;
    }
    case 'case': {
      const whens = expr.whens.map(({ when, then }) => ` when ${predSql(when)} then ${exprSql(then)}`).join('');
      return `case${whens}${expr.otherwise === undefined ? '' : ` else ${exprSql(expr.otherwise)}`} end`;
    }
  }
}

/** predSql renders a condition. */
export function predSql(pred: Pred): string {
  const not = (negated: boolean): string => (negated ? 'not ' : '');
  switch (pred.t) {
    case 'cmp':
      return `${exprSql(pred.left)} ${pred.op} ${exprSql(pred.right)}`;
    case 'between':
      return `${exprSql(pred.operand)} ${not(pred.negated)}between ${exprSql(pred.low)} and ${exprSql(pred.high)}`;
    case 'in':
      return `${exprSql(pred.operand)} ${not(pred.negated)}in (${pred.list.map(exprSql).join(', ')})`;
    case 'like':
      return `${exprSql(pred.operand)} ${not(pred.negated)}like ${quoteString(pred.pattern)}`;
    case 'and':
    case 'or':
      return `(${predSql(pred.left)}) ${pred.t} (${predSql(pred.right)})`;
    case 'not':
      return `not (${predSql(pred.operand)})`;
    case 'isnull':
      return `${exprSql(pred.operand)} is ${not(pred.negated)}null`;
  }
}

function itemSql(item: Item, keys: readonly Expr[]): string {
  const text = item.t === 'group' ? item.name : item.t === 'key' ? exprSql(keys[item.index] as Expr) : `${item.fn}(${item.arg === undefined ? '*' : exprSql(item.arg)})`;
  return item.alias === undefined ? text : `${text} as ${item.alias}`;
}

/** querySql renders the whole query as the SQL text Sluice is given. */
export function querySql(query: Query): string {
  const keys = query.keys ?? [];
  const parts = [`select ${query.items.map((item) => itemSql(item, keys)).join(', ')}`, `from ${TABLE}`];
  if (query.where !== undefined) parts.push(`where ${predSql(query.where)}`);
  const grouping = [...query.groupBy, ...keys.map(exprSql)];
  if (grouping.length > 0) parts.push(`group by ${grouping.join(', ')}`);
  if (query.orderBy.length > 0) {
    const keys = query.orderBy.map((key) => {
      const item = query.items[key.position - 1];
      const name = key.byAlias && item?.alias !== undefined ? item.alias : String(key.position);
      return `${name}${key.desc ? ' desc' : ''}`;
    });
    parts.push(`order by ${keys.join(', ')}`);
  }
  if (query.limit !== undefined) parts.push(`limit ${query.limit}`);
  return parts.join('\n');
}

/** escapeBytes renders file bytes as a JavaScript string literal body (printable ASCII kept, the rest escaped). */
export function escapeBytes(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) {
    if (byte === 0x0a) text += '\\n';
    else if (byte === 0x0d) text += '\\r';
    else if (byte === 0x5c) text += '\\\\';
    else if (byte === 0x22) text += '\\"';
    else if (byte >= 0x20 && byte < 0x7f) text += String.fromCharCode(byte);
    else text += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return text;
}

/** describeCase renders a case for a failure report: schema, file bytes, SQL, chunking, engine and policy. */
export function describeCase(c: Case): string {
  return [
    `format: ${c.format}; on-error: ${c.onError}; engine: ${c.engine}; cuts: [${c.cuts.join(', ')}] (${c.data.length} bytes)`,
    `schema:\n${schemaText(c.columns)}`,
    `data: "${escapeBytes(c.data)}"`,
    `sql:\n${querySql(c.query)}`,
  ].join('\n');
}
