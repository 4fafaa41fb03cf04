// The typed query plan: plain data the SQL front end produces, the eBPF codegen compiles and the baseline runs.
import type { DateField, IntervalUnit } from './ast.js';
import type { SourcePosition } from './errors.js';
import type { SqlType } from '../values/types.js';
import type { PostExpr, PostPredicate } from './post-aggregate.js';

/** MAX_LINE_BYTES is the longest row (bytes, without its line break) either evaluation path accepts. */
export const MAX_LINE_BYTES = 64 * 1024;

/**
 * MAX_FIELD_DIGITS is the most digits a numeric field may have once scaled to its column's scale
 * (integer-part digits, leading zeros included, plus the scale): 18 digits always fit a signed 64-bit word.
 */
export const MAX_FIELD_DIGITS = 18;

/** ColumnDef is one column of a table: its name, type and 0-based field position in a row. */
export interface ColumnDef {
  readonly name: string;
  readonly type: SqlType;
  readonly index: number;
}

/**
 * SchemaSource says where a table's column types came from: the built-in TPC-H schemas,
 * a sibling `NAME.schema` file, or inference from a sample of rows.
 */
export type SchemaSource = 'builtin' | 'schema-file' | 'inferred';

/**
 * TableSource is the file a query scans and how its rows are laid out.
 * `.tbl` files: delimiter '|', trailingDelimiter true (every row ends with '|'), no header.
 * `.csv` files: delimiter ',', a header row, fields may be double-quoted (RFC 4180).
 * Rows end with '\n' or '\r\n' ('\r' outside quotes is not data anywhere); the last row may lack a line break.
 */
export interface TableSource {
  /** Table name as written in the query (lower case). */
  readonly name: string;
  readonly path: string;
  readonly format: 'csv' | 'tbl';
  readonly delimiter: ',' | '|';
  readonly header: boolean;
  readonly trailingDelimiter: boolean;
  readonly columns: readonly ColumnDef[];
  readonly schemaSource: SchemaSource;
  /** For inferred schemas: how many sample rows the types were inferred from. */
  readonly inferredFromRows?: number;
}

/** Catalog resolves table names (lower case) to table sources. */
export interface Catalog {
  table(name: string): TableSource | undefined;
  tableNames(): readonly string[];
}

/**
 * Constant is a folded literal: numbers as bigint units of 10^-scale (integer: scale 0),
 * dates as bigint days since 1970-01-01, strings as text plus their UTF-8 bytes.
 */
export type Constant =
  | { readonly kind: 'number'; readonly units: bigint; readonly type: SqlType }
  | { readonly kind: 'date'; readonly days: bigint; readonly type: SqlType }
  | { readonly kind: 'string'; readonly text: string; readonly bytes: Uint8Array; readonly type: SqlType };

/** CompareOp is a comparison operator; `<>` also stands for `!=`. */
export type CompareOp = '=' | '<>' | '<' | '<=' | '>' | '>=';

/** ArithOp is an arithmetic operator the plan supports. */
export type ArithOp = '+' | '-' | '*';

/**
 * LikeMatch is the shape of a LIKE pattern: exact ('abc'), prefix ('abc%'), suffix ('%abc'),
 * infix ('%abc%'), or any other ('pattern': '_' anywhere, '%' anywhere; see values/like.ts).
 */
export type LikeMatch = 'exact' | 'prefix' | 'suffix' | 'infix' | 'pattern';

/** MAX_LIKE_PATTERN_BYTES is the longest LIKE pattern (in bytes, wildcards included) the plan accepts. */
export const MAX_LIKE_PATTERN_BYTES = 64;

/**
 * Expr is a typed expression over one row. Invariants the front end guarantees:
 * - operands of '+', '-', comparisons and IN have the same scale (a `rescale` node or a
 *   re-expressed constant makes them so); '*' multiplies units and adds scales.
 * - a comparison's two sides are both numeric, both dates, or both strings.
 * - constant sub-expressions are folded into one `constant` node, exactly (bigint, never wrapped);
 *   a constant that a non-constant operand meets in arithmetic fits in signed 64 bits.
 * - conditions the front end can decide in advance (a comparison with a constant no 64-bit value can
 *   reach, LIKE '%', constants only) are folded into `truth`, and `and`/`or`/`not` over a truth are
 *   simplified away, so a `truth` is only ever a whole filter.
 * - BETWEEN is lowered to `and` of two comparisons; NOT IN / NOT LIKE / NOT BETWEEN to `not`.
 * - `at`, where present, is the SQL position of the construct, for errors raised after binding.
 * - NULL (sql/nullable.ts): a column is NULL in a row whose field is empty and unquoted; arithmetic,
 *   EXTRACT and date shifts of a NULL are NULL; a comparison, IN or LIKE with a NULL operand is unknown;
 *   AND, OR and NOT follow SQL's three-valued logic, and a filter or a CASE's WHEN takes only true.
 */
export type Expr = ValueExpr | Predicate;

/** ValueExpr is an Expr that yields a typed value: a column, a constant, arithmetic or a CASE over them. */
export type ValueExpr = ColumnRef | ConstantExpr | RescaleExpr | ArithExpr | CaseExpr | ExtractExpr | ShiftExpr | SubstringExpr;

/**
 * GroupKey is one GROUP BY key: a column, or an expression over the row computed in the storage program
 * into the group key (an EXTRACT, a SUBSTRING, a CASE, arithmetic); `name` is how explain and the map's
 * description call it.
 */
export type GroupKey = ColumnRef | ExtractExpr | SubstringExpr | (ValueExpr & { readonly name: string });

/** Predicate is a condition; predicates have no SqlType and only appear in filters. */
export type Predicate = CompareExpr | InExpr | LikeExpr | AndExpr | OrExpr | NotExpr | TruthExpr | LookupExpr | IsNullExpr | UnlessNullExpr;

/** ColumnRef reads field `column` (index into table.columns) of the current row. */
export interface ColumnRef {
  readonly kind: 'column';
  readonly column: number;
  readonly name: string;
  readonly type: SqlType;
}

/** ConstantExpr is a folded constant. */
export interface ConstantExpr {
  readonly kind: 'constant';
  readonly value: Constant;
  readonly type: SqlType;
}

/**
 * RescaleExpr multiplies a numeric operand by 10^digits to raise its scale by `digits`; a negative
 * `digits` (only from CAST) divides by 10^-digits, rounding half away from zero; 0 only changes the type.
 */
export interface RescaleExpr {
  readonly kind: 'rescale';
  readonly operand: ValueExpr;
  readonly digits: number;
  readonly type: SqlType;
}

/** ArithExpr is exact integer arithmetic on units (for '*' the scales add). */
export interface ArithExpr {
  readonly kind: 'arith';
  readonly op: ArithOp;
  readonly left: ValueExpr;
  readonly right: ValueExpr;
  readonly type: SqlType;
  readonly at?: SourcePosition;
}

/**
 * CaseExpr yields the `then` of the first `when` that holds, else `otherwise`; without `otherwise` it
 * is NULL there (an aggregate skips the row, see sql/nullable.ts). A WHEN that is unknown does not hold. Branches
 * are numbers at one scale (the type's), all dates, or all strings (constants, string columns, SUBSTRINGs; the
 * type a varchar as long as the longest); no `when` is a truth value.
 */
export interface CaseExpr {
  readonly kind: 'case';
  readonly whens: readonly { readonly when: Predicate; readonly then: ValueExpr }[];
  readonly otherwise?: ValueExpr;
  readonly type: SqlType;
  readonly at?: SourcePosition;
}

/** ExtractExpr is the year, month or day (an integer) of a date column, read from its YYYYMMDD form. */
export interface ExtractExpr {
  readonly kind: 'extract';
  readonly field: DateField;
  readonly operand: ColumnRef;
  readonly name: string;
  readonly type: SqlType;
  readonly at?: SourcePosition;
}

/**
 * SubstringExpr is SUBSTRING(column FROM start [FOR count]) of a string column, in characters (values/substring.ts);
 * `type` is a varchar of at most the bytes it can hold.
 */
export interface SubstringExpr {
  readonly kind: 'substring';
  readonly operand: ColumnRef;
  readonly start: number;
  readonly count?: number;
  readonly name: string;
  readonly type: SqlType;
  readonly at?: SourcePosition;
}

/**
 * LookupExpr finds the probe row's key in build side `build`'s map: false when the key is absent
 * (the row has no join partner); when present, the build side's values become readable as the
 * columns JoinBuild.values names. It appears only as an operand of the filter's top-level AND.
 */
export interface LookupExpr {
  readonly kind: 'lookup';
  readonly build: number;
  readonly key: ColumnRef;
}

/**
 * ShiftExpr is a date moved by `amount` days, months or years (`d ± interval`), as values/calendar.ts
 * shiftDate does (months keep the day, clamped to the month's end); a result outside 0000-01-01 to
 * 9999-12-31 stops the query. Months and years shift a date column only (they read its YYYYMMDD form).
 */
export interface ShiftExpr {
  readonly kind: 'shift';
  readonly operand: ValueExpr;
  readonly amount: bigint;
  readonly unit: IntervalUnit;
  readonly type: SqlType;
  readonly at?: SourcePosition;
}

/** CompareExpr compares two values of one kind (numbers at equal scale, dates, or strings by bytes). */
export interface CompareExpr {
  readonly kind: 'compare';
  readonly op: CompareOp;
  readonly left: ValueExpr;
  readonly right: ValueExpr;
  readonly at?: SourcePosition;
}

/** InExpr tests membership in a list of constants at the operand's scale. */
export interface InExpr {
  readonly kind: 'in';
  readonly operand: ValueExpr;
  readonly values: readonly Constant[];
  readonly at?: SourcePosition;
}

/**
 * LikeExpr matches a string operand against a pattern. For exact/prefix/suffix/infix, `text` and `bytes`
 * are the literal part without its '%'; for 'pattern', `segments` are what values/like.ts likeSegments
 * gives (consecutive '%' merged), each byte '_' of a segment standing for one character.
 */
export interface LikeExpr {
  readonly kind: 'like';
  readonly operand: ValueExpr;
  readonly match: LikeMatch;
  readonly text: string;
  readonly bytes: Uint8Array;
  /** The pattern as written. */
  readonly pattern: string;
  readonly segments: readonly Uint8Array[];
  readonly at?: SourcePosition;
}

/** AndExpr holds when all operands hold (nested ANDs are flattened). */
export interface AndExpr {
  readonly kind: 'and';
  readonly operands: readonly Predicate[];
  readonly at?: SourcePosition;
}

/** OrExpr holds when any operand holds (nested ORs are flattened). */
export interface OrExpr {
  readonly kind: 'or';
  readonly operands: readonly Predicate[];
  readonly at?: SourcePosition;
}

/** TruthExpr is a condition decided at compile time (always true or always false). */
export interface TruthExpr {
  readonly kind: 'truth';
  readonly value: boolean;
}

/** IsNullExpr holds when its operand is NULL (`x IS NULL`; `x IS NOT NULL` is its `not`); it is never unknown. */
export interface IsNullExpr {
  readonly kind: 'isnull';
  readonly operand: ValueExpr;
  readonly at?: SourcePosition;
}

/**
 * UnlessNullExpr is a condition decided at compile time for every value its operand can have (a
 * comparison with a constant no 64-bit value reaches, LIKE '%'): `value` where the operand is not
 * NULL, unknown where it is. Its `not` flips `value`.
 */
export interface UnlessNullExpr {
  readonly kind: 'unlessnull';
  readonly operand: ValueExpr;
  readonly value: boolean;
}

/** NotExpr negates a condition. */
export interface NotExpr {
  readonly kind: 'not';
  readonly operand: Predicate;
}

/**
 * AggregateFn names an aggregate; count_star is COUNT(*). SUM and AVG accumulate in signed
 * 128 bits (two 64-bit words with carry in the pushdown program); every per-row value and
 * arithmetic result must fit in signed 64 bits.
 */
export type AggregateFn = 'count_star' | 'count' | 'sum' | 'min' | 'max' | 'avg';

/**
 * AggregateSpec is one aggregate the plan computes per group. `arg` is absent for count_star; a row
 * where the argument is NULL is skipped, and COUNT counts the rest (SUM, MIN, MAX, AVG of no value are NULL).
 * Result types: count → integer; sum → the argument's scale, integer or decimal(38,s);
 * min/max → the argument's type; avg → decimal(38, s + AVG_EXTRA_SCALE) (see result.ts for rounding).
 */
export interface AggregateSpec {
  readonly fn: AggregateFn;
  readonly arg?: ValueExpr;
  readonly type: SqlType;
}

/**
 * OutputSource says what an output column shows: a GROUP BY key or an aggregate, by index, an expression
 * over them computed on the compute node after the merge (sql/post-aggregate.ts), or a selected row value (Plan.rows).
 */
export type OutputSource =
  | { readonly kind: 'group'; readonly index: number }
  | { readonly kind: 'aggregate'; readonly index: number }
  | { readonly kind: 'expr'; readonly expr: PostExpr }
  | { readonly kind: 'row'; readonly index: number };

/** OutputColumn is one column of the result: its name (alias or derived text), source and type. */
export interface OutputColumn {
  readonly name: string;
  readonly source: OutputSource;
  readonly type: SqlType;
}

/**
 * OrderKey sorts the result by one output column (index into `outputs`), or by an expression over
 * aggregates and group keys that is not selected (`expr`, computed per group on the compute node).
 */
export type OrderKey = { readonly output: number; readonly desc: boolean } | { readonly expr: PostExpr; readonly desc: boolean };

/**
 * RowSelection is a plain row selection (no aggregate, no GROUP BY): for each row the filter keeps, the
 * storage program returns `values` (the outputs' values first, then ORDER BY keys that are not selected);
 * `order` sorts by indexes into `values` (ties keep file order), then LIMIT cuts. Without `order`, a LIMIT
 * stops the scan once that many rows were returned.
 */
export interface RowSelection {
  readonly values: readonly ValueExpr[];
  readonly order: readonly { readonly value: number; readonly desc: boolean }[];
}

/** ErrorPolicy says what to do with a malformed row: stop with an error, or skip it and count it. */
export type ErrorPolicy = 'stop' | 'skip';

/**
 * Plan is a whole query: scan `table`, keep rows where `filter` holds, group them by `groupBy`
 * (column references; empty means one group over all rows), compute `aggregates` per group,
 * then show `outputs`, sorted by `orderBy` and cut to `limit` on the compute node.
 * `usedColumns` lists (ascending) the column indexes a scanner must decode.
 */
export interface Plan {
  readonly table: TableSource;
  readonly filter?: Predicate;
  readonly groupBy: readonly GroupKey[];
  /** HAVING: groups are kept where it is true, decided on the compute node after the merge. */
  readonly having?: PostPredicate;
  readonly aggregates: readonly AggregateSpec[];
  readonly outputs: readonly OutputColumn[];
  readonly orderBy: readonly OrderKey[];
  readonly limit?: number;
  /**
   * Present for COUNT(DISTINCT x) (sql/distinct.ts): the last GROUP BY column is x, so the group map is
   * x's hash set; finalisation counts the groups per value of the first `prefix` GROUP BY columns.
   */
  readonly countDistinct?: { readonly prefix: number };
  /** Present for a plain row selection; then groupBy, aggregates and orderBy are empty. */
  readonly rows?: RowSelection;
  readonly usedColumns: readonly number[];
  readonly onError: ErrorPolicy;
  /** Present when the query joins: `table` is the probe side, scanned in storage. */
  readonly join?: JoinPlan;
  /**
   * Present for a join's build side run as a query of its own (sql/join-build.ts): each row that passes
   * the filter fills the entry of its key with the build values, in the map the probe side loads.
   */
  readonly keyed?: JoinBuild;
  /** The SQL text the plan came from, for explain and error messages. */
  readonly sql: string;
  /** Name of the SQL text in errors (a .sql file, or `query.sql` for inline SQL). */
  readonly queryFile: string;
}

/**
 * JoinBuild is one build side of a join: a smaller table filtered by its own conditions, whose rows
 * are keyed by `key` (unique after filtering) and hold `values` (expressions over the build table's
 * columns) for the probe rows that find them. In the probe plan, value i is read as the column
 * `values[i].column`, an index past the probe table's own columns.
 */
export interface JoinBuild {
  readonly table: TableSource;
  readonly key: ColumnRef;
  readonly filter?: Predicate;
  readonly values: readonly { readonly column: number; readonly name: string; readonly expr: ValueExpr }[];
  /** Where the table is named in FROM, for errors about its rows. */
  readonly at: SourcePosition;
}

/** JoinPlan lists a probe plan's build sides; the plan's filter looks each up (LookupExpr). */
export interface JoinPlan {
  readonly builds: readonly JoinBuild[];
}

/** AVG_EXTRA_SCALE is how many fractional digits AVG adds to its argument's scale. */
export const AVG_EXTRA_SCALE = 4;
