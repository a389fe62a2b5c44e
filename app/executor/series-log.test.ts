import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readSeriesLog, SeriesLogWriter } from './series-log.js';

// The bundle's append-only series: what a killed attempt leaves behind, and how reading settles it.

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const file = () => {
  dir = mkdtempSync(join(tmpdir(), 'series-log-'));
  return join(dir, 'metrics.jsonl');
};

describe('series log', () => {
  it('a resumed attempt replaces the steps after its checkpoint: each step once, the keeping attempt’s value', () => {
    const path = file();
    const first = new SeriesLogWriter(path);
    first.startAttempt({ attempt: 1, resumeFrom: 0 });
    for (let step = 1; step <= 7; step++) first.append({ step, metrics: { total: step } });
    first.close();
    // Killed after step 7; the checkpoint was step 5. The next attempt replays 6.. with its own values.
    const second = new SeriesLogWriter(path);
    second.startAttempt({ attempt: 2, resumeFrom: 5 });
    second.append({ step: 6, metrics: { total: 60 } });
    second.close();
    const { steps, attempts } = readSeriesLog<{ step: number; metrics: { total: number } }>(path);
    expect(attempts).toBe(2);
    // Step 7 of the killed attempt is gone (not replayed yet), as the lab's rewind drops it.
    expect(steps.map((s) => [s.step, s.metrics.total])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
      [5, 5],
      [6, 60],
    ]);
  });

  it('a torn last line from a kill is skipped, and the next attempt starts on a line of its own', () => {
    const path = file();
    const first = new SeriesLogWriter(path);
    first.startAttempt({ attempt: 1, resumeFrom: 0 });
    first.append({ step: 1, metrics: { total: 1 } });
    first.close();
    appendFileSync(path, '{"step":2,"metr'); // the write a SIGKILL cut short
    const second = new SeriesLogWriter(path);
    second.startAttempt({ attempt: 2, resumeFrom: 1 });
    second.append({ step: 2, metrics: { total: 2 } });
    second.close();
    expect(readFileSync(path, 'utf8').split('\n')[2]).toBe('{"step":2,"metr');
    const { steps, skipped } = readSeriesLog<{ step: number }>(path);
    expect(skipped).toBe(1);
    expect(steps.map((s) => s.step)).toEqual([1, 2]);
  });

  it('a bundle no worker has started yet has no series', () => {
    expect(readSeriesLog(join(tmpdir(), 'no-such-bundle', 'metrics.jsonl'))).toEqual({
      steps: [],
      attempts: 0,
      skipped: 0,
    });
  });
});
