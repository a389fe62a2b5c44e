import { downsampleEvenly } from './downsample.js';
import { smoothSeries } from './smoothing.js';

// Training metrics as the Train page charts them: points from `runs.metrics` (backfill, polling)
// and from `run.progress` events (live, without a time) merged into one series per step.

export interface LivePoint {
  step: number;
  /** Seconds since the run started; null for points that came only from an event. */
  time: number | null;
  lr: number | null;
  imagesPerSecond: number | null;
  terms: Record<string, number>;
  /** Other scalars: gradNorm; in stage 2 the batch's teacherPosMean, teacherNegMean, studentPosMean, studentNegMean. */
  extras: Record<string, number>;
}

/** Merges new points into a step-sorted series; a point with a time replaces one without. */
export function mergePoints(existing: readonly LivePoint[], incoming: readonly LivePoint[]): LivePoint[] {
  if (incoming.length === 0) return existing as LivePoint[];
  const byStep = new Map<number, LivePoint>();
  for (const point of existing) byStep.set(point.step, point);
  for (const point of incoming) {
    const known = byStep.get(point.step);
    if (!known || point.time !== null || known.time === null) byStep.set(point.step, point);
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/** The loss terms in the order the charts show them; any other term follows, alphabetically. */
export const termOrder = ['clsEasy', 'clsHard', 'cls', 'posKL', 'negKL', 'order', 'total'] as const;

/** Short chart titles (charts are small) and the full meaning for the tooltip. */
export const termLabels: Record<string, { title: string; description: string }> = {
  cls: { title: 'cls', description: 'classification (margin) loss' },
  clsEasy: { title: 'cls easy', description: 'classification loss on the easy singles (teacher branch)' },
  clsHard: { title: 'cls hard', description: 'classification loss on the hard singles (student branch)' },
  posKL: { title: 'posKL', description: 'λpos · KL(teacher positives ‖ student positives)' },
  negKL: { title: 'negKL', description: 'λneg · KL(teacher negatives ‖ student negatives)' },
  order: { title: 'order', description: 'order loss: E[S−] − E[S+] summed over teacher/student branches' },
  total: { title: 'total', description: 'total loss' },
};

/** Terms present in the points, in chart order. */
export function termsIn(points: readonly LivePoint[]): string[] {
  const seen = new Set<string>();
  for (const point of points) for (const term of Object.keys(point.terms)) seen.add(term);
  const known = termOrder.filter((term) => seen.has(term));
  const others = [...seen].filter((term) => !(termOrder as readonly string[]).includes(term)).sort();
  return [...known, ...others];
}

/** Stage 2's batch expectations E[S] as one chart: the four means per step (null when not recorded). */
export const expectationExtras = ['teacherPosMean', 'studentPosMean', 'teacherNegMean', 'studentNegMean'] as const;

export function expectationRows(points: readonly LivePoint[], maxPoints = 400): Array<Record<string, number | null>> {
  const rows = points
    .filter((p) => expectationExtras.some((key) => Number.isFinite(p.extras[key])))
    .map((p) => {
      const row: Record<string, number | null> = { step: p.step };
      for (const key of expectationExtras) row[key] = Number.isFinite(p.extras[key]) ? (p.extras[key] as number) : null;
      return row;
    });
  return downsampleEvenly(rows, maxPoints);
}

export interface ChartRow {
  step: number;
  raw: number;
  smoothed: number;
}

/** One chart's rows: the value picked from each point, smoothed over the full series, then thinned. */
export function chartRows(
  points: readonly LivePoint[],
  pick: (point: LivePoint) => number | null | undefined,
  smoothing: number,
  maxPoints = 400,
): ChartRow[] {
  const steps: number[] = [];
  const values: number[] = [];
  for (const point of points) {
    const value = pick(point);
    if (value === null || value === undefined || !Number.isFinite(value)) continue;
    steps.push(point.step);
    values.push(value);
  }
  const smoothed = smoothSeries(values, smoothing);
  const rows = steps.map((step, i) => ({ step, raw: values[i] as number, smoothed: smoothed[i] as number }));
  return downsampleEvenly(rows, maxPoints);
}
