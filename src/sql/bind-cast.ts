// Binds CAST(x AS integer | bigint | decimal(p,s) | date) over a row: scale raised exactly, lowered with rounding half away from zero.
import type { AstExpr } from './ast.js';
import { bindValue, checkFits64, type ExprScope } from './bind-expr.js';
import { QueryError } from './errors.js';
import type { ValueExpr } from './plan.js';
import { parseDateDays } from '../values/calendar.js';
import { divideRoundHalfAwayFromZero, fractionDigits, parseDecimalUnits, pow10 } from '../values/decimal.js';
import { DATE, INTEGER, decimalType, isNumeric, isString, scaleOf, typeName, type SqlType } from '../values/types.js';

type CastAst = Extract<AstExpr, { kind: 'cast' }>;

/** MAX_RESCALE_DIGITS: 10^18 is the largest power of ten a signed 64-bit word holds. */
const MAX_RESCALE_DIGITS = 18;

/**
 * bindCast types a CAST. Numbers change scale (down: rounded half away from zero; the precision is not
 * enforced); a 'YYYY-MM-DD' or numeric string constant is read as the target; text targets and casts
 * of string columns are refused.
 */
export function bindCast(scope: ExprScope, ast: CastAst): ValueExpr {
  const operand = bindValue(scope, ast.operand);
  const target = ast.target;
  const fail = (reason: string): never => {
    throw new QueryError(scope.file, ast.position, reason);
  };
  if (isString(target)) return fail('CAST to a text type is not supported; compare, group or order by the value itself');
  const text = operand.kind === 'constant' && operand.value.kind === 'string' ? operand.value.text.trim() : undefined;
  if (target.kind === 'date') {
    if (operand.type.kind === 'date') return operand;
    const days = text === undefined ? undefined : parseDateDays(text);
    if (days === undefined) return fail(`cannot CAST ${text === undefined ? typeName(operand.type) : `'${text}'`} to date (only a date or a 'YYYY-MM-DD' string constant)`);
    return { kind: 'constant', value: { kind: 'date', days: BigInt(days), type: DATE }, type: DATE };
  }
  let value = operand;
  if (text !== undefined) {
    const units = parseDecimalUnits(text, fractionDigits(text));
    if (units === undefined) return fail(`cannot CAST '${text}' to ${typeName(target)}: not a number`);
    const type: SqlType = fractionDigits(text) === 0 ? INTEGER : decimalType(38, fractionDigits(text));
    value = { kind: 'constant', value: { kind: 'number', units, type }, type };
  }
  if (!isNumeric(value.type)) return fail(`cannot CAST ${typeName(value.type)} to ${typeName(target)}; CAST converts between numbers, and to dates`);
  const digits = scaleOf(target) - scaleOf(value.type);
  if (value.kind === 'constant' && value.value.kind === 'number') {
    const units = digits >= 0 ? value.value.units * pow10(digits) : divideRoundHalfAwayFromZero(value.value.units, pow10(-digits));
    return { kind: 'constant', value: { kind: 'number', units, type: target }, type: target };
  }
  if (digits > MAX_RESCALE_DIGITS) fail(`this CAST scales by 10^${digits}, beyond the signed 64 bits the pushdown program computes in`);
  const cast: ValueExpr = { kind: 'rescale', operand: value, digits, type: target };
  checkFits64(scope, ast, cast);
  return cast;
}
