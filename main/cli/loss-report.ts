import { parseDdlConfig, type DdlConfig, type DdlConfigInput } from '../../app/losses/ddl/ddl-config.js';
import { lossTerms, type LossTerms } from '../../app/losses/ddl/loss-terms.js';
import { LossInputError, type LossInput } from './loss-input.js';

/** `ddl-lab loss` output: the terms (app/losses/ddl) and the options they were computed with. */
export type LossReport = LossTerms & { options: DdlConfig };

/**
 * DDL terms for checked input. `overrides` (e.g. the CLI's --compat) win over the file's options.
 * Runs on whatever tfjs backend is active.
 */
export function computeLossReport(input: LossInput, source: string, overrides: DdlConfigInput = {}): LossReport {
  const fileOptions =
    typeof input.options === 'object' && input.options !== null && !Array.isArray(input.options) ? input.options : null;
  if (!fileOptions)
    throw new LossInputError(
      `${source}: options must be an object of DDL options, got ${JSON.stringify(input.options)}`,
    );
  let options: DdlConfig;
  try {
    options = parseDdlConfig({ ...fileOptions, ...overrides }, `${source}: options`);
  } catch (error) {
    throw new LossInputError((error as Error).message);
  }
  const report: LossReport = { ...shortestNumbers(lossTerms(input.teacher, input.student, options)), options };
  for (const name of ['teacher', 'student'] as const) {
    if (report[name].posKept === 0) {
      throw new LossInputError(
        `${source}: all ${report[name].pairs} ${name} pairs have cosine <= positiveThreshold (${options.positiveThreshold}); ` +
          `nothing is left for the ${name} positive distribution (check the pairs, or lower options.positiveThreshold)`,
      );
    }
  }
  return report;
}

/** Every number of a report in its shortest exact float32 form. */
function shortestNumbers<T>(value: T): T {
  if (typeof value === 'number') return shortestFloat32(value) as T;
  if (Array.isArray(value)) return value.map(shortestNumbers) as T;
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, shortestNumbers(v)])) as T;
  return value;
}

/**
 * The shortest decimal that reads back as the same float32 (0.0010000000474974513 -> 0.001): every
 * number here is float32, so nothing is lost and the JSON stays readable.
 */
export function shortestFloat32(x: number): number {
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(x.toPrecision(digits));
    if (Math.fround(candidate) === x) return candidate;
  }
  return Number(x.toPrecision(9));
}

/** The report as indented JSON with each list of numbers on one line. */
export function formatLossReport(report: LossReport): string {
  return JSON.stringify(report, null, 2).replace(
    /\[\s+([^[\]{}"]*?)\s+\]/g,
    (_, inner: string) => `[${inner.replace(/\s+/g, '')}]`,
  );
}
