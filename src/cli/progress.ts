// A one-line progress bar on standard error, shown only when standard error is a terminal.
import { isatty } from 'node:tty';

/** Progress draws "label [#####.....] 42%" and redraws at most ten times a second. */
export class Progress {
  private readonly enabled: boolean;
  private lastDraw = 0;

  constructor(
    private readonly label: string,
    /** Where to draw (default standard error, which is then only opened when the bar is drawn). */
    private readonly stream?: NodeJS.WriteStream,
  ) {
    this.enabled = (stream ? Boolean(stream.isTTY) : isatty(2)) && !process.env.CI;
  }

  /** update redraws the bar for `done` of `total` units. */
  update(done: number, total: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastDraw < 100 && done < total) return;
    this.lastDraw = now;
    const fraction = total > 0 ? Math.min(1, done / total) : 0;
    const width = 30;
    const filled = Math.round(fraction * width);
    (this.stream ?? process.stderr).write(`\r\x1b[2K${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.floor(fraction * 100)}%`);
  }

  /** done clears the bar's line. */
  done(): void {
    if (this.enabled) (this.stream ?? process.stderr).write('\r\x1b[2K');
  }
}
