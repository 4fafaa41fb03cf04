// Whole-process timing for benches: one Node script run under /usr/bin/time, with its wall and CPU seconds, peak memory and output.
import { spawnSync } from 'node:child_process';

/** ProcessTime is what one timed process cost and printed. */
export interface ProcessTime {
  /** Elapsed wall-clock seconds, as /usr/bin/time measured them (%e, 10 ms steps). */
  readonly wallSeconds: number;
  /** User plus system CPU seconds of the whole process (all its threads). */
  readonly cpuSeconds: number;
  /** Peak resident set size in MiB. */
  readonly peakMiB: number;
  /** When the process was started, in ms since the epoch (to place the phases it reports). */
  readonly startedAt: number;
  readonly stdout: string;
}

/** timeNodeProcess runs `node ...args` under /usr/bin/time and throws, with the end of its stderr, if it fails. */
export function timeNodeProcess(args: readonly string[], options: { readonly cwd: string; readonly env?: NodeJS.ProcessEnv }): ProcessTime {
  const startedAt = performance.timeOrigin + performance.now();
  const child = spawnSync('/usr/bin/time', ['-f', 'times %e %U %S %M', process.execPath, ...args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    encoding: 'utf8',
    maxBuffer: 256 << 20,
  });
  const times = /times ([\d.]+) ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(child.stderr);
  if (child.status !== 0 || !times) throw new Error(`node ${args.join(' ')} failed: ${child.stderr.slice(-2000)}`);
  return { wallSeconds: Number(times[1]), cpuSeconds: Number(times[2]) + Number(times[3]), peakMiB: Number(times[4]) / 1024, startedAt, stdout: child.stdout };
}
