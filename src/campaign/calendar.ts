// The reference's own proleptic Gregorian calendar: YYYY-MM-DD text, day numbers since 1970-01-01, month arithmetic.

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function leap(year: bigint): boolean {
  return year % 4n === 0n && (year % 100n !== 0n || year % 400n === 0n);
}

function monthLength(year: bigint, month: number): number {
  return month === 2 && leap(year) ? 29 : (MONTH_DAYS[month - 1] as number);
}

/** daysBeforeYear counts the days from 0000-01-01 to January 1st of `year` (year >= 0). */
function daysBeforeYear(year: bigint): bigint {
  if (year === 0n) return 0n;
  const y = year - 1n;
  // Year 0 is a leap year (366 days); then 365 a year plus the leap days of years 1..y.
  return 366n + y * 365n + y / 4n - y / 100n + y / 400n;
}

/** ordinal counts days from 0000-01-01 to a valid date. */
function ordinal(year: bigint, month: number, day: number): bigint {
  let days = daysBeforeYear(year);
  for (let m = 1; m < month; m++) days += BigInt(monthLength(year, m));
  return days + BigInt(day - 1);
}

const EPOCH = ordinal(1970n, 1, 1);
const FIRST = ordinal(0n, 1, 1) - EPOCH;
const LAST = ordinal(9999n, 12, 31) - EPOCH;

/** daysInRange is true for days of years 0000..9999, the dates Sluice's text format can hold. */
export function daysInRange(days: bigint): boolean {
  return days >= FIRST && days <= LAST;
}

/** dateFromText reads exactly `YYYY-MM-DD` naming a real date, as days since 1970-01-01. */
export function dateFromText(text: string): bigint | undefined {
  const match = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(text);
  if (match === null) return undefined;
  const year = BigInt(match[1] as string);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > monthLength(year, month)) return undefined;
  return ordinal(year, month, day) - EPOCH;
}

/** civil splits days since 1970-01-01 (within years 0000..9999) into year, month and day. */
function civil(days: bigint): { year: bigint; month: number; day: number } {
  const target = days + EPOCH;
  let low = 0n;
  let high = 9999n;
  while (low < high) {
    const mid = (low + high + 1n) / 2n;
    if (daysBeforeYear(mid) <= target) low = mid;
    else high = mid - 1n;
  }
  let rest = Number(target - daysBeforeYear(low));
  let month = 1;
  while (rest >= monthLength(low, month)) {
    rest -= monthLength(low, month);
    month++;
  }
  return { year: low, month, day: rest + 1 };
}

/** addMonthsToDays moves a date by whole months, clamping the day to the target month; undefined outside years 0000..9999. */
export function addMonthsToDays(days: bigint, months: bigint): bigint | undefined {
  if (!daysInRange(days)) return undefined;
  const { year, month, day } = civil(days);
  const index = year * 12n + BigInt(month - 1) + months;
  if (index < 0n || index >= 10000n * 12n) return undefined;
  const targetYear = index / 12n;
  const targetMonth = Number(index % 12n) + 1;
  return ordinal(targetYear, targetMonth, Math.min(day, monthLength(targetYear, targetMonth))) - EPOCH;
}

/** dateText renders days since 1970-01-01 as YYYY-MM-DD (years 0000..9999). */
export function dateText(days: bigint): string {
  const { year, month, day } = civil(days);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
