import type { PairSetMetrics } from '../eval/report-types.js';
import type { LabDatabase } from '../store/db.js';
import { csvField, csvNumber } from './csv-field.js';
import { storedEvaluation } from './evaluation-json.js';

// An evaluation's metrics as a table: one row for all pairs (type `overall`), then one per pair type
// in the report's order. A metric that is n/a (too few pairs, one class only) is `NaN`; rank-1/5
// (identification, all probes together) fill the overall row and are empty on the type rows, and
// their columns are there only when the evaluation identified.

/** TAR column name at one FAR, e.g. `tar@far=0.001`. */
export const tarColumn = (far: number) => `tar@far=${far}`;

export function evaluationMetricsCsv(db: LabDatabase, evaluationId: number): string {
  const evaluation = storedEvaluation(db, evaluationId);
  const { report, identification } = evaluation;
  const fars = report.options.farTargets;
  const header = [
    'type',
    'pairs',
    'genuine',
    'impostor',
    'accuracy',
    'accuracy_sd',
    'auc',
    'eer',
    ...fars.map(tarColumn),
    'mean_genuine',
    'mean_impostor',
    'margin',
    'd_prime',
    'overlap',
    ...(identification ? ['rank1', 'rank5'] : []),
  ];
  const row = (m: PairSetMetrics, identified: boolean) => {
    const tar = (far: number) => m.tarAtFar.find((t) => t.far === far)?.tar ?? null;
    const d = m.distributions;
    return [
      csvField(m.type ?? 'overall'),
      String(m.pairs),
      String(m.genuine),
      String(m.impostor),
      csvNumber(m.accuracy?.mean ?? null),
      csvNumber(m.accuracy?.sd ?? null),
      csvNumber(m.auc),
      csvNumber(m.eer?.rate ?? null),
      ...fars.map((far) => csvNumber(tar(far))),
      csvNumber(d.genuine?.mean ?? null),
      csvNumber(d.impostor?.mean ?? null),
      csvNumber(d.margin),
      csvNumber(d.dPrime),
      csvNumber(d.overlap),
      ...(identification
        ? identified
          ? [csvNumber(identification.rank1), csvNumber(identification.rank5)]
          : ['', '']
        : []),
    ].join(',');
  };
  const lines = [header.join(','), row(report.overall, true), ...report.byType.map((m) => row(m, false))];
  return `${lines.join('\n')}\n`;
}
