// Progress for a terminal: one line rewritten in place on a TTY (at most ~10 times a second),
// or plain lines every `plainEvery` of the way otherwise (logs, CI), so output stays readable.

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export class TerminalProgress {
  private lastDraw = 0;
  private lastPlainFraction = -1;
  private open = false;

  constructor(
    private readonly stream: ProgressStream,
    private readonly options: { plainEvery?: number; minIntervalMs?: number } = {},
  ) {}

  /** A new state of the current task; `fraction` in [0, 1] decides when plain output prints. */
  update(line: string, fraction: number): void {
    if (this.stream.isTTY) {
      const now = Date.now();
      if (now - this.lastDraw < (this.options.minIntervalMs ?? 100) && fraction < 1) return;
      this.lastDraw = now;
      const width = Math.max(20, (this.stream.columns ?? 100) - 1);
      this.stream.write(`\r${line.length > width ? line.slice(0, width) : line.padEnd(width)}`);
      this.open = true;
      return;
    }
    const every = this.options.plainEvery ?? 0.1;
    if (fraction >= 1 || fraction - this.lastPlainFraction >= every) {
      this.lastPlainFraction = fraction;
      this.stream.write(`${line}\n`);
    }
  }

  /** A line that stays (task finished, a message). */
  line(text: string): void {
    if (this.open) this.stream.write('\n');
    this.open = false;
    this.lastPlainFraction = -1;
    this.stream.write(`${text}\n`);
  }
}
