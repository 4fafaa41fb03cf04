// The untyped syntax tree the parser builds; every node keeps where it came from for error messages.
import type { SourcePosition } from './errors.js';
import type { SqlType } from '../values/types.js';

/** Span locates a node: its first token's position and the offsets of its text in the query. */
export interface Span {
  readonly position: SourcePosition;
  readonly start: number;
  readonly end: number;
}

/** DateField is a part of a date EXTRACT reads. */
export type DateField = 'year' | 'month' | 'day';

/** IntervalUnit is the unit of an interval literal. */
export type IntervalUnit = 'day' | 'month' | 'year';

/** AstExpr is an expression as written, before names and types are resolved. */
export type AstExpr = Span &
  (
    | { readonly kind: 'identifier'; readonly name: string; readonly table?: string }
    | { readonly kind: 'number'; readonly text: string }
    | { readonly kind: 'string'; readonly text: string }
    | { readonly kind: 'date'; readonly text: string }
    | { readonly kind: 'interval'; readonly text: string; readonly unit: IntervalUnit }
    | { readonly kind: 'negate'; readonly operand: AstExpr }
    | { readonly kind: 'arith'; readonly op: '+' | '-' | '*' | '/'; readonly left: AstExpr; readonly right: AstExpr }
    | { readonly kind: 'case'; readonly whens: readonly CaseWhen[]; readonly otherwise?: AstExpr }
    | { readonly kind: 'extract'; readonly field: DateField; readonly operand: AstExpr }
    | { readonly kind: 'cast'; readonly operand: AstExpr; readonly target: SqlType }
    | { readonly kind: 'substring'; readonly operand: AstExpr; readonly from: AstExpr; readonly count?: AstExpr }
    | { readonly kind: 'compare'; readonly op: '=' | '<>' | '<' | '<=' | '>' | '>='; readonly left: AstExpr; readonly right: AstExpr }
    | { readonly kind: 'between'; readonly operand: AstExpr; readonly low: AstExpr; readonly high: AstExpr; readonly negated: boolean }
    | { readonly kind: 'in'; readonly operand: AstExpr; readonly list: readonly AstExpr[]; readonly negated: boolean }
    | { readonly kind: 'like'; readonly operand: AstExpr; readonly pattern: AstExpr; readonly negated: boolean }
    | { readonly kind: 'and' | 'or'; readonly left: AstExpr; readonly right: AstExpr }
    | { readonly kind: 'not'; readonly operand: AstExpr }
    | { readonly kind: 'isnull'; readonly operand: AstExpr; readonly negated: boolean }
    | { readonly kind: 'aggregate'; readonly fn: 'count' | 'sum' | 'min' | 'max' | 'avg'; readonly arg: AstExpr | 'star'; readonly distinct?: true }
  );

/** CaseWhen is one `WHEN condition THEN value` of a CASE (a simple CASE's `WHEN v` is parsed as `operand = v`). */
export interface CaseWhen {
  readonly when: AstExpr;
  readonly then: AstExpr;
}

/**
 * SelectItem is one SELECT list entry with its optional alias. `star` marks a `*`, whose `expr` is only a
 * placeholder until sql/select-star.ts expands it into the table's columns.
 */
export interface SelectItem {
  readonly expr: AstExpr;
  readonly alias?: string;
  readonly star?: true;
}

/** OrderItem is one ORDER BY entry. */
export interface OrderItem {
  readonly expr: AstExpr;
  readonly desc: boolean;
}

/** TableRef is a table named in FROM; `on` is the condition of an explicit `JOIN ... ON`. */
export type TableRef = { readonly name: string; readonly on?: AstExpr } & Span;

/** SelectStatement is the one statement shape Sluice accepts. */
export interface SelectStatement {
  readonly items: readonly SelectItem[];
  /** The first table in FROM. */
  readonly table: TableRef;
  /** The tables after it (comma-separated or `JOIN ... ON`), in order; empty for one table. */
  readonly joins: readonly TableRef[];
  readonly where?: AstExpr;
  readonly groupBy: readonly AstExpr[];
  readonly having?: AstExpr;
  readonly orderBy: readonly OrderItem[];
  readonly limit?: { readonly value: number } & Span;
  /** Where `SELECT DISTINCT` was written, when it was. */
  readonly distinct?: Span;
}
