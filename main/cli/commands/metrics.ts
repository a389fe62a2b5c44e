// `ddl-lab metrics --scores FILE.csv [--json] [--bins N]`: every verification metric of any
// system's scores (CSV score,label[,type]), overall and per pair type. The work is in app/eval.
import { formatVerificationReport } from '../../../app/eval/format-report.js';
import { metricsFromScoresFile } from '../../../app/eval/scores-file-metrics.js';
import { commandFailure, parseCommandLine, wholeNumber } from '../command-line.js';
import { describeNonFinite, firstNonFinite } from '../finite-output.js';

const fail = commandFailure('metrics');

const usage = `Usage: ddl-lab metrics --scores FILE.csv [--json] [--bins N] [--range MIN,MAX]
                       [--folds K] [--fold-assignment stratified-shuffle|contiguous] [--seed S]

FILE.csv has one pair per line: score,label[,type]  (label 1 genuine, 0 impostor; header optional).
A header naming score and label (and type) columns reads them by name in any order, other columns
ignored: the path1,path2,label,type,score files of "ddl-lab eval --scores-out" are read as they are.
A pair is accepted when score >= threshold. Bad lines are skipped and reported by line number.
`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandLine(
    {
      args,
      options: {
        scores: { type: 'string' },
        json: { type: 'boolean', default: false },
        bins: { type: 'string', default: '40' },
        range: { type: 'string', default: '-1,1' },
        folds: { type: 'string', default: '10' },
        'fold-assignment': { type: 'string', default: 'stratified-shuffle' },
        seed: { type: 'string', default: '0' },
        help: { type: 'boolean', default: false },
      },
    },
    usage,
    fail,
  );
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  if (!values.scores) return fail(`--scores FILE.csv is required.\n\n${usage}`, 2);
  const bins = wholeNumber(values.bins, 1);
  if (bins === null) return fail(`--bins must be a whole number ≥ 1, got "${values.bins}".`, 2);
  const folds = wholeNumber(values.folds, 2);
  if (folds === null || folds > 255)
    return fail(`--folds must be a whole number from 2 to 255, got "${values.folds}".`, 2);
  const seed = wholeNumber(values.seed, 0);
  if (seed === null) return fail(`--seed must be a whole number ≥ 0, got "${values.seed}".`, 2);
  const range = values.range.split(',').map((part) => Number(part.trim()));
  if (range.length !== 2 || !range.every(Number.isFinite) || range[0]! >= range[1]!) {
    return fail(`--range must be MIN,MAX with MIN < MAX (e.g. --range=-1,1), got "${values.range}".`, 2);
  }
  const assignment = values['fold-assignment'];
  if (assignment !== 'stratified-shuffle' && assignment !== 'contiguous') {
    return fail(`--fold-assignment must be stratified-shuffle or contiguous, got "${assignment}".`, 2);
  }

  const result = metricsFromScoresFile(values.scores, {
    bins,
    folds,
    seed,
    range: [range[0]!, range[1]!],
    foldAssignment: assignment,
  });
  if (!result.ok) return fail(result.message, 1);
  const { metrics } = result;
  const bad = firstNonFinite(metrics);
  if (bad)
    return fail(
      `${describeNonFinite(bad)}: the scores of ${metrics.file} are too large in magnitude to compute with (sums of squares overflow); rescale them, e.g. to [-1, 1]. Nothing was printed.`,
      1,
    );
  const { input } = metrics;
  if (values.json) {
    process.stdout.write(`${JSON.stringify(metrics, null, 2)}\n`);
  } else {
    const types = metrics.report.byType.map((t) => t.type).join(', ');
    process.stdout.write(
      `Scores: ${metrics.file}: ${input.pairs} pairs (${metrics.report.overall.genuine} genuine, ${metrics.report.overall.impostor} impostor)${types ? `; types ${types}` : ''}.\n`,
    );
    for (const note of input.notes) process.stdout.write(`Note: ${note}.\n`);
    const lines = new Map(
      [...(metrics.failures?.falseRejects ?? []), ...(metrics.failures?.falseAccepts ?? [])].map((f) => [
        f.pair,
        f.line,
      ]),
    );
    process.stdout.write(
      formatVerificationReport(metrics.report, metrics.failures, {
        describePair: (pair) => `line ${lines.get(pair) ?? '?'}`,
      }),
    );
  }
  if (input.skipped > 0) {
    const shown = input.problems.map((p) => `  line ${p.line}: ${p.message}\n`).join('');
    const more = input.skipped > input.problems.length ? `  … and ${input.skipped - input.problems.length} more\n` : '';
    process.stderr.write(
      `ddl-lab metrics: skipped ${input.skipped} bad line${input.skipped === 1 ? '' : 's'} of ${metrics.file}:\n${shown}${more}`,
    );
  }
  return 0;
}
