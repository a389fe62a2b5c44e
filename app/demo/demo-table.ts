import type { PairSetMetrics } from '../eval/index.js';
import {
  armStatistics,
  pairedDifference,
  type ArmStatistics,
  type PairedDifference,
} from '../eval/paired-statistics.js';
import type { RunEvaluation } from './demo-evaluate.js';

// The demo's comparison: rows of metrics, columns stage 1 | classification-only fine-tune | DDL
// fine-tune | DDL - classification, as mean ± sd over seeds. The rows DDL exists to move are the
// easy-hard ones and the easy-easy minus easy-hard gaps.

export const demoArms = ['stage1', 'classification', 'ddl'] as const;
export type DemoArm = (typeof demoArms)[number];
export const armTitles: Record<DemoArm, string> = { stage1: 'stage 1', classification: 'cls-only FT', ddl: 'DDL FT' };
/** The column titles when stage 1 is a pretrained model (demo --pretrained). */
export function armTitlesFor(pretrained: string | undefined, centre = false): Record<DemoArm, string> {
  return pretrained ? { ...armTitles, stage1: `${pretrained} (pretrained${centre ? ', centred' : ''})` } : armTitles;
}

export interface MetricRow {
  key: string;
  label: string;
  /** Higher is better (for the sign of the difference column); gaps and EER are lower-better. */
  better: 'higher' | 'lower';
  digits: number;
  get(e: RunEvaluation): number | null;
}

const byType = (e: RunEvaluation, type: string): PairSetMetrics | undefined =>
  e.verification.byType.find((m) => m.type === type);
const margin = (m: PairSetMetrics | undefined) => m?.distributions.margin ?? null;
const hardestMargin = (m: PairSetMetrics | undefined) => m?.hardestImpostor?.margin ?? null;
const accuracy = (m: PairSetMetrics | undefined) => m?.accuracy?.mean ?? null;
const tarAt = (m: PairSetMetrics | undefined, far: number) => m?.tarAtFar.find((t) => t.far === far)?.tar ?? null;
const difference = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);

export function metricRows(): MetricRow[] {
  const rows: MetricRow[] = [];
  for (const [type, short] of [
    ['easy-easy', 'easy-easy'],
    ['easy-hard', 'easy-hard'],
    ['hard-hard', 'hard-hard'],
  ] as const) {
    rows.push(
      {
        key: `${short}.posMean`,
        label: `${short} E[S+]`,
        better: 'higher',
        digits: 3,
        get: (e) => byType(e, type)?.distributions.genuine?.mean ?? null,
      },
      {
        key: `${short}.negMean`,
        label: `${short} E[S-]`,
        better: 'lower',
        digits: 3,
        get: (e) => byType(e, type)?.distributions.impostor?.mean ?? null,
      },
      {
        key: `${short}.margin`,
        label: `${short} margin E[S+]-E[S-]`,
        better: 'higher',
        digits: 3,
        get: (e) => margin(byType(e, type)),
      },
      {
        key: `${short}.hardestNegMean`,
        label: `${short} E[S-] hardest impostor`,
        better: 'lower',
        digits: 3,
        get: (e) => byType(e, type)?.hardestImpostor?.mean ?? null,
      },
      {
        key: `${short}.hardestMargin`,
        label: `${short} margin to hardest`,
        better: 'higher',
        digits: 3,
        get: (e) => hardestMargin(byType(e, type)),
      },
    );
  }
  rows.push(
    {
      key: 'marginGap',
      label: 'margin gap (easy-easy - easy-hard)',
      better: 'lower',
      digits: 3,
      get: (e) => difference(margin(byType(e, 'easy-easy')), margin(byType(e, 'easy-hard'))),
    },
    {
      key: 'marginGapHardest',
      label: 'margin gap to hardest (ee - eh)',
      better: 'lower',
      digits: 3,
      get: (e) => difference(hardestMargin(byType(e, 'easy-easy')), hardestMargin(byType(e, 'easy-hard'))),
    },
    {
      key: 'easy-easy.accuracy',
      label: 'easy-easy 10-fold accuracy',
      better: 'higher',
      digits: 3,
      get: (e) => accuracy(byType(e, 'easy-easy')),
    },
    {
      key: 'easy-hard.accuracy',
      label: 'easy-hard 10-fold accuracy',
      better: 'higher',
      digits: 3,
      get: (e) => accuracy(byType(e, 'easy-hard')),
    },
    {
      key: 'gap.accuracy',
      label: 'accuracy gap (easy-easy - easy-hard)',
      better: 'lower',
      digits: 3,
      get: (e) => difference(accuracy(byType(e, 'easy-easy')), accuracy(byType(e, 'easy-hard'))),
    },
    {
      key: 'easy-easy.tar1e-1',
      label: 'easy-easy TAR@FAR=1e-1',
      better: 'higher',
      digits: 3,
      get: (e) => tarAt(byType(e, 'easy-easy'), 1e-1),
    },
    {
      key: 'easy-hard.tar1e-1',
      label: 'easy-hard TAR@FAR=1e-1',
      better: 'higher',
      digits: 3,
      get: (e) => tarAt(byType(e, 'easy-hard'), 1e-1),
    },
    {
      key: 'gap.tar1e-1',
      label: 'TAR@1e-1 gap (easy-easy - easy-hard)',
      better: 'lower',
      digits: 3,
      get: (e) => difference(tarAt(byType(e, 'easy-easy'), 1e-1), tarAt(byType(e, 'easy-hard'), 1e-1)),
    },
    {
      key: 'easy-hard.tar1e-2',
      label: 'easy-hard TAR@FAR=1e-2',
      better: 'higher',
      digits: 3,
      get: (e) => tarAt(byType(e, 'easy-hard'), 1e-2),
    },
    {
      key: 'easy-hard.auc',
      label: 'easy-hard AUC',
      better: 'higher',
      digits: 3,
      get: (e) => byType(e, 'easy-hard')?.auc ?? null,
    },
    {
      key: 'overall.accuracy',
      label: 'all pairs 10-fold accuracy',
      better: 'higher',
      digits: 3,
      get: (e) => accuracy(e.verification.overall),
    },
    {
      key: 'rank1',
      label: 'rank-1 (hard probes, easy gallery)',
      better: 'higher',
      digits: 3,
      get: (e) => e.identification.rank1,
    },
    { key: 'rank5', label: 'rank-5', better: 'higher', digits: 3, get: (e) => e.identification.rank5 },
  );
  return rows;
}

export interface Aggregate {
  mean: number | null;
  sd: number | null;
  values: (number | null)[];
}

export function aggregate(values: (number | null)[]): Aggregate {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (present.length === 0 || present.length < values.length) return { mean: null, sd: null, values };
  const mean = present.reduce((s, v) => s + v, 0) / present.length;
  const sd =
    present.length > 1 ? Math.sqrt(present.reduce((s, v) => s + (v - mean) ** 2, 0) / (present.length - 1)) : null;
  return { mean, sd, values };
}

export interface SummaryRow {
  key: string;
  label: string;
  better: 'higher' | 'lower';
  arms: Record<DemoArm, Aggregate>;
  /** DDL - classification-only, per seed then aggregated (the paired difference). */
  ddlMinusClassification: Aggregate;
  /** The same paired difference with its 95 % CI and p (Student's t over seeds). */
  difference: PairedDifference;
}

export function summarise(evaluations: Record<DemoArm, RunEvaluation>[]): SummaryRow[] {
  return metricRows().map((row) => {
    const arms = Object.fromEntries(
      demoArms.map((arm) => [arm, aggregate(evaluations.map((e) => row.get(e[arm])))]),
    ) as Record<DemoArm, Aggregate>;
    const ddl = evaluations.map((e) => row.get(e.ddl));
    const cls = evaluations.map((e) => row.get(e.classification));
    const diffs = evaluations.map((e) => difference(row.get(e.ddl), row.get(e.classification)));
    return {
      key: row.key,
      label: row.label,
      better: row.better,
      arms,
      ddlMinusClassification: aggregate(diffs),
      difference: pairedDifference(ddl, cls),
    };
  });
}

/** One metric of the demo's `--json` summary: each fine-tune's mean and sd, and DDL − classification-only paired. */
export interface SummaryEntry {
  label: string;
  better: 'higher' | 'lower';
  stage1: Pick<ArmStatistics, 'mean' | 'sd'>;
  clsOnly: Pick<ArmStatistics, 'mean' | 'sd'>;
  ddl: Pick<ArmStatistics, 'mean' | 'sd'>;
  difference: Pick<PairedDifference, 'mean' | 'sd' | 'ci95' | 'p'>;
}

/** The summary keyed by metric (`marginGap`, `easy-hard.margin`, `rank1`...), as `demo --json` prints it. */
export function summaryByMetric(rows: SummaryRow[]): Record<string, SummaryEntry> {
  const arm = (a: Aggregate) => {
    const { mean, sd } = armStatistics(a.values);
    return { mean, sd };
  };
  return Object.fromEntries(
    rows.map((r) => [
      r.key,
      {
        label: r.label,
        better: r.better,
        stage1: arm(r.arms.stage1),
        clsOnly: arm(r.arms.classification),
        ddl: arm(r.arms.ddl),
        difference: { mean: r.difference.mean, sd: r.difference.sd, ci95: r.difference.ci95, p: r.difference.p },
      },
    ]),
  );
}

function cell(a: Aggregate, digits: number, signed = false): string {
  if (a.mean === null) return 'n/a';
  const sign = signed && a.mean > 0 ? '+' : '';
  // Non-zero values too small for `digits` decimals keep two significant digits (a pretrained
  // model's margins can be 1e-5: "0.000" would hide them); an exact zero stays "0.000", never "-0.000".
  if (Number(a.mean.toFixed(digits)) === 0) {
    if (a.mean === 0) return `${(0).toFixed(digits)}${a.sd !== null ? ` ± ${a.sd.toFixed(digits)}` : ''}`;
    return `${sign}${a.mean.toExponential(1)}${a.sd !== null ? ` ± ${a.sd.toExponential(1)}` : ''}`;
  }
  return `${sign}${a.mean.toFixed(digits)}${a.sd !== null ? ` ± ${a.sd.toFixed(digits)}` : ''}`;
}

/** The table as text, with a marker on the DDL - cls column where DDL is better (▲) or worse (▼). */
export function formatSummaryTable(
  rows: SummaryRow[],
  seeds: number,
  titles: Record<DemoArm, string> = armTitles,
): string {
  const withCi = seeds > 1;
  const header = [
    'metric (validation identities)',
    ...demoArms.map((a) => titles[a]),
    'DDL - cls',
    ...(withCi ? ['95% CI', 'p'] : []),
  ];
  const body = rows.map((r) => {
    const d = r.ddlMinusClassification.mean;
    // Differences that round to zero at the shown precision get no marker.
    const better = d === null || Number(d.toFixed(3)) === 0 ? ' ' : d > 0 === (r.better === 'higher') ? '▲' : '▼';
    return [
      r.label,
      ...demoArms.map((a) => cell(r.arms[a], 3)),
      `${cell(r.ddlMinusClassification, 3, true)} ${better}`,
      ...(withCi ? ciCells(r.difference) : []),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const note = withCi
    ? `mean ± sd over ${seeds} seeds; CI and p of the paired difference by Student's t over seeds, * = p < 0.05; `
    : '';
  return [
    line(header),
    rule,
    ...body.map(line),
    rule,
    `${note}▲ = DDL better than classification-only fine-tuning at equal steps, ▼ = worse`,
  ].join('\n');
}

function ciCells(d: PairedDifference): [string, string] {
  if (d.ci95 === null || d.p === null) return ['n/a', 'n/a'];
  const f = (v: number) => (Number(v.toFixed(3)) === 0 ? 0 : v).toFixed(3);
  return [`[${f(d.ci95[0])}, ${f(d.ci95[1])}]`, `${d.p < 0.001 ? '<0.001' : d.p.toFixed(3)}${d.p < 0.05 ? '*' : ' '}`];
}
