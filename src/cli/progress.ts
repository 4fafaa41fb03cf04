// A one-line progress bar on standard error, shown only when standard error is a terminal.

/** Progress draws "label [#####.....] 42%" and redraws at most ten times a second. */
export class Progress {
  private readonly enabled: boolean;
  private lastDraw = 0;

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.enabled = Boolean(stream.isTTY) && !process.env.CI;
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
    this.stream.write(`\r\x1b[2K${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.floor(fraction * 100)}%`);
  }

  /** done clears the bar's line. */
  done(): void {
    if (this.enabled) this.stream.write('\r\x1b[2K');
  }
}
