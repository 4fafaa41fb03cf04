// The Gregorian calendar of DATE values: days since 1970-01-01 <-> year-month-day and text, month arithmetic.

const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

/** isLeapYear applies the Gregorian rule. */
export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** daysInMonth returns the number of days of month 1..12 of a year. */
export function daysInMonth(year: number, month: number): number {
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

/** civilFromDays converts days since 1970-01-01 back to year, month (1..12) and day. */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const date = new Date(days * 86_400_000);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
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
 * addMonths moves a date by whole months, keeping the day of month and clamping it to the last day
 * of the target month (2000-01-31 + 1 month = 2000-02-29), as PostgreSQL does.
 */
export function addMonths(days: number, months: number): number {
  const { year, month, day } = civilFromDays(days);
  const monthIndex = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(monthIndex / 12);
  const targetMonth = (monthIndex % 12) + 1;
  return daysFromCivil(targetYear, targetMonth, Math.min(day, daysInMonth(targetYear, targetMonth)));
}
