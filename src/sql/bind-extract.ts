// Binds EXTRACT(year|month|day FROM d) and d ± interval on date values other than constants (constants fold in bind-expr).
import type { AstExpr, IntervalUnit, Span } from './ast.js';
import { bindValue, type ExprScope } from './bind-expr.js';
import { QueryError } from './errors.js';
import type { ValueExpr } from './plan.js';
import { MAX_DATE_DAYS, MIN_DATE_DAYS, civilFromDays } from '../values/calendar.js';
import { DATE, INTEGER, typeName } from '../values/types.js';

type ExtractAst = Extract<AstExpr, { kind: 'extract' }>;

/** bindExtract types an EXTRACT; `text` is the expression as written (its name as a group key). */
export function bindExtract(scope: ExprScope, ast: ExtractAst, text: string): ValueExpr {
  const operand = bindValue(scope, ast.operand);
  if (operand.type.kind !== 'date') throw new QueryError(scope.file, ast.operand.position, `EXTRACT needs a date, found ${typeName(operand.type)}`);
  if (operand.kind === 'constant' && operand.value.kind === 'date') {
    const units = BigInt(civilFromDays(Number(operand.value.days))[ast.field]);
    return { kind: 'constant', value: { kind: 'number', units, type: INTEGER }, type: INTEGER };
  }
  if (operand.kind !== 'column') {
    throw new QueryError(scope.file, ast.operand.position, 'EXTRACT reads a date column (or a date constant) here; compare the column with date constants instead of extracting from an expression');
  }
  return { kind: 'extract', field: ast.field, operand, name: text.toLowerCase(), type: INTEGER, at: ast.position };
}

/**
 * bindShift types `date ± interval` where the date is not a constant: any date value by days; a date
 * column by months or years. An interval longer than the whole date range could only leave it.
 */
export function bindShift(scope: ExprScope, at: Span, dateAst: Span, date: ValueExpr, amount: bigint, unit: IntervalUnit): ValueExpr {
  if (date.type.kind !== 'date') throw new QueryError(scope.file, dateAst.position, `an interval can only be added to or subtracted from a date, not ${typeName(date.type)}`);
  const span = BigInt(MAX_DATE_DAYS - MIN_DATE_DAYS);
  const limit = unit === 'day' ? span : unit === 'month' ? 10000n * 12n : 10000n;
  if (amount > limit || amount < -limit) throw new QueryError(scope.file, at.position, `an interval of ${amount} ${unit}s moves every date outside the supported range; use a smaller one`);
  if (unit !== 'day' && date.kind !== 'column') {
    throw new QueryError(scope.file, dateAst.position, `${unit} intervals apply to a date column or constant here; shift by days, or shift the column before other arithmetic`);
  }
  return { kind: 'shift', operand: date, amount, unit, type: DATE, at: at.position };
}
