// Timing helpers for benches: the median of repeated passes, and a markdown table.

/** median returns the middle value (the upper middle for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** PassTime is one timed pass: wall-clock milliseconds and the process's CPU milliseconds (user + system). */
export interface PassTime {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/**
 * timePass runs `pass` once and times it. CPU time is reported beside wall time because the
 * bench machine is shared: when other processes hold the cores, wall time grows but the CPU
 * time this process spent stays close to what the work costs.
 */
export function timePass(pass: () => void): PassTime {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  pass();
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** markdownTable renders rows under a header as a GitHub markdown table, numbers right-aligned. */
export function markdownTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = rows.map((row) => row.map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => (row[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.every((row) => typeof row[i] === 'number'));
  const line = (row: readonly string[]) =>
    `| ${row.map((cell, i) => (numeric[i] ? cell.padStart(widths[i] as number) : cell.padEnd(widths[i] as number))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(header), rule, ...cells.map(line)].join('\n');
}
