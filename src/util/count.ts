// formatCount: integers with thousands separators, written by hand so that no room pays for loading ICU's locale data.

/**
 * formatCount writes an integer (a number is rounded first) with thousands separators, as toLocaleString('en-US') does: `1,411,484`.
 * By hand, because the first toLocaleString of a process loads ICU's locale data (12-16 ms of CPU here,
 * more on a busy machine), which a short command such as a small query or `--help` would otherwise pay.
 */
export function formatCount(n: number | bigint): string {
  if (typeof n === 'number' && !Number.isFinite(n)) return String(n);
  const whole = typeof n === 'bigint' ? n : BigInt(Math.round(n));
  const digits = (whole < 0n ? -whole : whole).toString();
  const head = digits.length % 3 || 3;
  let text = digits.slice(0, head);
  for (let at = head; at < digits.length; at += 3) text += `,${digits.slice(at, at + 3)}`;
  return whole < 0n ? `-${text}` : text;
}
