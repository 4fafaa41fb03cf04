// The Gregorian calendar of DATE values: days since 1970-01-01 <-> year-month-day and text, month arithmetic.

const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

/** isLeapYear applies the Gregorian rule. */
function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** daysInMonth returns the number of days of month 1..12 of a year. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] as number;
}

/** daysFromCivil converts a valid year-month-day to days since 1970-01-01. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = year - 1;
  const daysBeforeYear = y * 365 + Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400);
  const leapDay = month > 2 && isLeapYear(year) ? 1 : 0;
  const EPOCH = 719162; // days from 0001-01-01 to 1970-01-01
  return daysBeforeYear + (DAYS_BEFORE_MONTH[month - 1] as number) + leapDay + day - 1 - EPOCH;
}

/** MIN_DATE_DAYS and MAX_DATE_DAYS bound the dates Sluice handles: 0000-01-01 to 9999-12-31 (proleptic Gregorian). */
export const MIN_DATE_DAYS = daysFromCivil(0, 1, 1);
export const MAX_DATE_DAYS = daysFromCivil(9999, 12, 31);
/** DATE_RANGE_TEXT names the supported date range in error messages. */
export const DATE_RANGE_TEXT = '0000-01-01 to 9999-12-31';

/**
 * civilFromDays converts days since 1970-01-01 (within MIN_DATE_DAYS..MAX_DATE_DAYS) back to year,
 * month (1..12) and day, in integer arithmetic: the year is estimated from 400-year cycles of 146,097
 * days and corrected against daysFromCivil, then the month found from the days before each month.
 */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  let year = 1970 + Math.floor((days * 400) / 146_097);
  while (daysFromCivil(year, 1, 1) > days) year--;
  while (daysFromCivil(year + 1, 1, 1) <= days) year++;
  const dayOfYear = days - daysFromCivil(year, 1, 1);
  const firstOfMonth = (m: number): number => (DAYS_BEFORE_MONTH[m - 1] as number) + (m > 2 && isLeapYear(year) ? 1 : 0);
  let month = Math.floor(dayOfYear / 31) + 1;
  if (month < 12 && firstOfMonth(month + 1) <= dayOfYear) month++;
  return { year, month, day: dayOfYear - firstOfMonth(month) + 1 };
}

/**
 * parseDateDays reads `YYYY-MM-DD` (exactly that shape, month and day checked against the calendar)
 * as days since 1970-01-01; undefined if malformed or not a real date.
 */
export function parseDateDays(text: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match === null) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return daysFromCivil(year, month, day);
}

/** formatDateDays renders days since 1970-01-01 as `YYYY-MM-DD`. */
export function formatDateDays(days: number): string {
  const { year, month, day } = civilFromDays(days);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * shiftDate moves a date by a whole number of days, months or years in exact integer arithmetic. Months
 * and years keep the day of month, clamped to the last day of the target month (2000-01-31 + 1 month =
 * 2000-02-29), as PostgreSQL does. Returns undefined when the result leaves MIN_DATE_DAYS..MAX_DATE_DAYS.
 */
export function shiftDate(days: number, amount: bigint, unit: 'day' | 'month' | 'year'): number | undefined {
  if (unit === 'day') {
    const moved = BigInt(days) + amount;
    return moved < BigInt(MIN_DATE_DAYS) || moved > BigInt(MAX_DATE_DAYS) ? undefined : Number(moved);
  }
  const { year, month, day } = civilFromDays(days);
  const monthIndex = BigInt(year * 12 + month - 1) + (unit === 'year' ? amount * 12n : amount);
  if (monthIndex < 0n || monthIndex > 9999n * 12n + 11n) return undefined;
  const targetYear = Number(monthIndex / 12n);
  const targetMonth = Number(monthIndex % 12n) + 1;
  return daysFromCivil(targetYear, targetMonth, Math.min(day, daysInMonth(targetYear, targetMonth)));
}
