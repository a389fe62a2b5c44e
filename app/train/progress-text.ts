import type { RunRecord } from '../store/runs-repository.js';
import type { SeriesPoint } from '../store/runs-series.js';
import type { RunProgressEvent } from './events.js';

// Words and bars for terminals: one progress line per step event, one summary line per run.

export function progressBar(fraction: number, width = 24): string {
  const filled = Math.max(0, Math.min(width, Math.round(fraction * width)));
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

const short = (x: number) => (Math.abs(x) >= 100 || x === 0 ? x.toFixed(1) : x.toPrecision(3));

/** "step 120/300 [####....] loss 3.21 (clsEasy 1.50 clsHard 1.62 posKL 0.41 ...) lr 0.0100 · 250 img/s" */
export function describeProgress(event: RunProgressEvent, width = 24): string {
  const { total, ...others } = event.terms;
  const parts = Object.entries(others).map(([name, value]) => `${name} ${short(value as number)}`);
  const terms = parts.length > 1 ? ` (${parts.join(' ')})` : '';
  return (
    `step ${event.step}/${event.totalSteps} ${progressBar(event.step / event.totalSteps, width)} loss ${short(total ?? Number.NaN)}${terms}` +
    ` lr ${event.lr.toPrecision(3)} · ${Math.round(event.imagesPerSecond)} img/s`
  );
}

/** One line for `runs list`. */
export function describeRun(run: RunRecord, latest?: Record<string, SeriesPoint>): string {
  const config = run.config as { objective?: string };
  const kind = run.stage === 1 ? 'stage 1' : `stage 2 ${config.objective ?? ''} from run ${run.parentRunId}`;
  const loss = latest?.total?.value;
  return (
    `run ${run.id}  ${run.status.padEnd(11)} ${kind.padEnd(34)} step ${run.lastStep}/${run.totalSteps}` +
    `${loss != null ? `  loss ${short(loss)}` : ''}  dataset ${run.datasetId} split ${run.splitId}  ${run.backend ?? '-'}  seed ${run.seed}` +
    `${run.name ? `  "${run.name}"` : ''}${run.error ? `\n    ${run.error}` : ''}`
  );
}
