// Plain-text rendering of a VerificationReport (and optionally its failures) for the terminal.
import type {
  FailurePair,
  FailureReport,
  PairSetMetrics,
  ScoreHistograms,
  VerificationReport,
} from './report-types.js';

export interface FormatOptions {
  /** How to name a pair in the failure list (default "pair 12"); the CLI gives CSV line numbers. */
  describePair?: (pair: number) => string;
  /** Failures listed per kind (default 5). */
  failuresShown?: number;
}

export function formatVerificationReport(
  report: VerificationReport,
  failures: FailureReport | null = null,
  options: FormatOptions = {},
): string {
  const sets = [report.overall, ...report.byType];
  const out: string[] = [];
  const { options: o } = report;
  out.push(
    `A pair is accepted when score >= threshold. ${o.folds}-fold accuracy: ${o.foldAssignment === 'contiguous' ? 'contiguous folds in input order' : o.foldAssignment === 'list' ? "the pair list's own folds" : `stratified shuffled folds, seed ${o.seed}`}.`,
  );
  out.push('');
  out.push(...table(['metric', ...sets.map(setName)], metricRows(sets)));

  if (report.gaps.length > 0) {
    out.push('');
    out.push(`Gaps from ${report.gaps[0]!.reference} (positive = the type is worse):`);
    const gapRows: (string | number | null)[][] = [
      ['accuracy', ...report.gaps.map((g) => g.accuracy)],
      ['AUC', ...report.gaps.map((g) => g.auc)],
      ['EER', ...report.gaps.map((g) => g.eer)],
      ...report.options.farTargets.map((far, k) => [
        `TAR@FAR=${farText(far)}`,
        ...report.gaps.map((g) => g.tarAtFar[k]?.gap ?? null),
      ]),
      ['margin', ...report.gaps.map((g) => g.margin)],
      ["d'", ...report.gaps.map((g) => g.dPrime)],
      ['overlap', ...report.gaps.map((g) => g.overlap)],
    ];
    out.push(
      ...table(
        ['gap', ...report.gaps.map((g) => g.type)],
        gapRows.map((row) => row.map((cell, c) => (c === 0 ? (cell as string) : signed(cell as number | null)))),
      ),
    );
  }

  const reasons = sets.flatMap((set) => unavailableLines(set));
  if (reasons.length > 0) {
    out.push('');
    out.push('Not available:');
    out.push(...reasons.map((line) => `  ${line}`));
  }

  out.push('');
  out.push(`${o.folds}-fold thresholds (chosen on the other folds):`);
  for (const set of sets) {
    if (set.accuracy)
      out.push(`  ${pad(setName(set), 12)} ${set.accuracy.perFold.map((f) => number(f.threshold)).join(' ')}`);
  }

  const first = sets[0]!.distributions.histogram;
  out.push('');
  out.push(
    `Score histograms: ${first.bins} bins over [${first.min}, ${first.max}], bar height relative to each row's largest bin:`,
  );
  for (const set of sets) out.push(...histogramLines(setName(set), set.distributions.histogram));

  if (failures) out.push('', ...failureLines(failures, options));
  return `${out.join('\n')}\n`;
}

function setName(set: PairSetMetrics): string {
  return set.type ?? 'all';
}

function metricRows(sets: PairSetMetrics[]): string[][] {
  const row = (name: string, cell: (s: PairSetMetrics) => string) => [name, ...sets.map(cell)];
  const farTargets = sets[0]!.tarAtFar.map((t) => t.far);
  return [
    row('pairs', (s) => String(s.pairs)),
    row('genuine', (s) => String(s.genuine)),
    row('impostor', (s) => String(s.impostor)),
    row(`accuracy (${sets[0]!.accuracy?.folds ?? ''}-fold)`, (s) =>
      s.accuracy ? `${fixed(s.accuracy.mean)}±${fixed(s.accuracy.sd)}` : 'n/a',
    ),
    row('AUC', (s) => number(s.auc)),
    row('EER', (s) => number(s.eer?.rate ?? null)),
    row('EER threshold', (s) => number(s.eer?.threshold ?? null)),
    ...farTargets.map((far, k) => row(`TAR@FAR=${farText(far)}`, (s) => number(s.tarAtFar[k]?.tar ?? null))),
    row('E[S+]', (s) => number(s.distributions.genuine?.mean ?? null)),
    row('E[S-]', (s) => number(s.distributions.impostor?.mean ?? null)),
    row('margin', (s) => number(s.distributions.margin)),
    row("d'", (s) => number(s.distributions.dPrime)),
    row('overlap', (s) => number(s.distributions.overlap)),
  ];
}

function unavailableLines(set: PairSetMetrics): string[] {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const [metric, reason] of Object.entries(set.unavailable)) {
    if (seen.has(reason)) continue; // one line per reason: "needs both classes" covers several metrics
    seen.add(reason);
    const sameReason = Object.entries(set.unavailable)
      .filter(([, r]) => r === reason)
      .map(([m]) => m);
    lines.push(`${setName(set)}: ${sameReason.length > 1 ? sameReason.join(', ') : metric}: ${reason}`);
  }
  const missingTar = set.tarAtFar.find((t) => t.tar === null && t.reason !== null && !seen.has(t.reason));
  if (missingTar) {
    const rest = set.tarAtFar.filter((t) => t.tar === null).length;
    lines.push(
      `${setName(set)}: TAR@FAR=${farText(missingTar.far)}${rest > 1 ? ' and below' : ''}: ${missingTar.reason}`,
    );
  }
  return lines;
}

const blocks = ' ▁▂▃▄▅▆▇█';

function histogramLines(name: string, h: ScoreHistograms): string[] {
  const bar = (counts: number[]) => {
    const top = Math.max(0, ...counts);
    return counts
      .map((c) => (top === 0 || c === 0 ? blocks[0] : blocks[Math.max(1, Math.round((c / top) * 8))]))
      .join('');
  };
  const outside = (c: { below: number; above: number }) =>
    c.below || c.above ? `  (${c.below} below, ${c.above} above the range)` : '';
  return [
    `  ${pad(name, 12)} genuine  |${bar(h.genuine.counts)}|${outside(h.genuine)}`,
    `  ${pad('', 12)} impostor |${bar(h.impostor.counts)}|${outside(h.impostor)}`,
  ];
}

function failureLines(failures: FailureReport, options: FormatOptions): string[] {
  const shown = options.failuresShown ?? 5;
  const describe = options.describePair ?? ((pair: number) => `pair ${pair}`);
  const source =
    failures.thresholdSource.kind === 'far'
      ? `chosen for FAR ≤ ${farText(failures.thresholdSource.targetFar)} on all pairs, achieved ${number(failures.thresholdSource.achievedFar)}`
      : 'given';
  const all = failures.counts[0]!;
  const item = (f: FailurePair) =>
    `    ${describe(f.pair)}: score ${number(f.score)}${f.type !== null ? `, ${f.type}` : ''}`;
  return [
    `Failures at threshold ${number(failures.threshold)} (${source}): ${all.falseRejects} of ${all.genuine} genuine pairs rejected, ${all.falseAccepts} of ${all.impostor} impostor pairs accepted.`,
    ...failures.counts
      .slice(1)
      .map((c) => `  ${pad(c.type ?? '', 12)} ${c.falseRejects} false rejects, ${c.falseAccepts} false accepts`),
    `  lowest-scoring genuine pairs:${failures.falseRejects.length === 0 ? ' none' : ''}`,
    ...failures.falseRejects.slice(0, shown).map(item),
    `  highest-scoring impostor pairs:${failures.falseAccepts.length === 0 ? ' none' : ''}`,
    ...failures.falseAccepts.slice(0, shown).map(item),
  ];
}

function table(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)) + 2);
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c === 0 ? pad(cell, widths[c]!) : cell.padStart(widths[c]!)))
      .join('')
      .trimEnd();
  return [line(head), ...rows.map(line)];
}

function pad(text: string, width: number): string {
  return text.padEnd(width);
}

function farText(far: number): string {
  const exponent = Math.log10(far);
  return Number.isInteger(exponent) ? `1e${exponent}` : String(far);
}

function fixed(x: number): string {
  return x.toFixed(4);
}

function number(x: number | null): string {
  if (x === null) return 'n/a';
  const size = Math.abs(x);
  if (size !== 0 && size < 1e-3) return x.toExponential(2);
  return size >= 1e5 ? x.toPrecision(5) : x.toFixed(4);
}

function signed(x: number | null): string {
  if (x === null) return 'n/a';
  return `${x > 0 ? '+' : ''}${number(x)}`;
}
