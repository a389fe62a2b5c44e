import { readFileSync } from 'node:fs';
import type { LabDatabase } from '../store/db.js';
import { insertExperiment, listExperiments, type ExperimentRecord } from '../store/experiments-repo.js';
import { ExperimentSpecError, parseExperimentSpec } from './experiment-plan.js';
import type { ExperimentView } from './experiment-results.js';

// Experiments as operations: read a file, record a new experiment (or find the unfinished one the
// same file made, so running the file again picks it up), and the results as CSV.

export { ExperimentSpecError } from './experiment-plan.js';
export { listExperiments } from '../store/experiments-repo.js';

/** The JSON of an experiment file; a missing or broken file throws ExperimentSpecError naming it. */
export function readExperimentFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ExperimentSpecError(
      [`cannot read it: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`],
      file,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ExperimentSpecError([`not valid JSON: ${(error as Error).message}`], file);
  }
}

/** Records a queued experiment after checking it; `source` names the file in messages. */
export function createExperiment(db: LabDatabase, input: unknown, source?: string): ExperimentRecord {
  const { spec } = parseExperimentSpec(input, source);
  return insertExperiment(db, spec.name, spec);
}

/** The newest experiment that is not completed and has exactly this spec (as parsed). */
export function findUnfinishedExperiment(
  db: LabDatabase,
  input: unknown,
  source?: string,
): ExperimentRecord | undefined {
  const { spec } = parseExperimentSpec(input, source);
  const wanted = canonicalJson(spec);
  return listExperiments(db)
    .reverse()
    .find((e) => e.status !== 'completed' && canonicalJson(storedSpec(e)) === wanted);
}

/** JSON with every object's keys sorted: a stored spec parses back with its keys in the schema's order, not the file's. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** A stored spec as it parses today (experiments recorded before specs were stored resolved gain their base's settings); an unreadable one matches nothing. */
function storedSpec(experiment: ExperimentRecord): unknown {
  try {
    return parseExperimentSpec(experiment.spec).spec;
  } catch {
    return undefined;
  }
}

const csvCell = (v: string | number | null) => {
  if (v === null) return '';
  const text = String(v);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export const experimentCsvHeader = [
  'variant',
  'metric',
  'label',
  'better',
  'seeds',
  'cls_mean',
  'cls_sd',
  'ddl_mean',
  'ddl_sd',
  'diff_mean',
  'diff_sd',
  'ci95_low',
  'ci95_high',
  'p',
];

/** One row per variant and metric: both arms' mean and sd, the paired difference, its 95 % CI and p. */
export function experimentCsv(view: ExperimentView): string {
  const lines = [experimentCsvHeader.join(',')];
  for (const variant of view.variants)
    for (const m of variant.metrics)
      lines.push(
        [
          variant.name,
          m.key,
          m.label,
          m.better,
          m.difference.n,
          m.clsOnly.mean,
          m.clsOnly.sd,
          m.ddl.mean,
          m.ddl.sd,
          m.difference.mean,
          m.difference.sd,
          m.difference.ci95?.[0] ?? null,
          m.difference.ci95?.[1] ?? null,
          m.difference.p,
        ]
          .map(csvCell)
          .join(','),
      );
  return `${lines.join('\n')}\n`;
}
