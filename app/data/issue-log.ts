import type { BadFileRecord, BadFileSource } from '../store/bad-files-repo.js';

// Problems found in a CSV / list / pairs file, one per line at fault. A file that is wrong
// everywhere (e.g. relative to another root) would give thousands of identical lines, so at most
// `limit` are kept per reason and one summary line says how many more there were.
export class IssueLog {
  readonly issues: BadFileRecord[] = [];
  private readonly perReason = new Map<string, number>();

  constructor(
    private readonly source: BadFileSource,
    private readonly file: string,
    private readonly limit = 200,
  ) {}

  add(line: number | null, reason: string, detail: string): void {
    const seen = (this.perReason.get(reason) ?? 0) + 1;
    this.perReason.set(reason, seen);
    if (seen <= this.limit) this.issues.push({ source: this.source, path: this.file, line, reason, detail });
  }

  get count(): number {
    let n = 0;
    for (const v of this.perReason.values()) n += v;
    return n;
  }

  /** The kept issues plus one summary line per reason that went over the limit. */
  finish(): BadFileRecord[] {
    const out = [...this.issues];
    for (const [reason, n] of this.perReason) {
      if (n > this.limit)
        out.push({
          source: this.source,
          path: this.file,
          line: null,
          reason,
          detail: `…and ${n - this.limit} more lines with this problem (first ${this.limit} listed).`,
        });
    }
    return out;
  }
}
