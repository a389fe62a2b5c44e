import type { ExperimentView, MetricResult } from './experiment-results.js';

// An experiment as text: its progress, then per variant a table of both arms and the paired
// difference with its 95 % CI and p; * marks p < 0.05, ▲/▼ whether DDL is better or worse.

const num = (v: number | null, digits = 3) =>
  v === null ? 'n/a' : (Number(v.toFixed(digits)) === 0 ? 0 : v).toFixed(digits);
const meanSd = (s: { mean: number | null; sd: number | null }) =>
  s.mean === null ? 'n/a' : `${num(s.mean)}${s.sd !== null ? ` ± ${num(s.sd)}` : ''}`;

function row(m: MetricResult): string[] {
  const d = m.difference;
  const sign =
    d.mean === null || Number(d.mean.toFixed(3)) === 0 ? ' ' : d.mean > 0 === (m.better === 'higher') ? '▲' : '▼';
  return [
    m.label,
    meanSd(m.clsOnly),
    meanSd(m.ddl),
    `${d.mean !== null && d.mean > 0 && Number(d.mean.toFixed(3)) !== 0 ? '+' : ''}${num(d.mean)} ${sign}`,
    d.ci95 ? `[${num(d.ci95[0])}, ${num(d.ci95[1])}]` : 'n/a',
    d.p === null ? 'n/a' : `${d.p < 0.001 ? '<0.001' : d.p.toFixed(3)}${d.p < 0.05 ? '*' : ' '}`,
  ];
}

export function formatExperiment(view: ExperimentView): string {
  const out = [
    `experiment ${view.id} "${view.name}": ${view.status}${view.error ? ` (${view.error})` : ''}; ${view.progress.done}/${view.progress.total} runs done; seeds ${view.spec.seeds.join(', ')}`,
  ];
  const running = view.cells.filter((c) => c.status === 'running');
  for (const c of running)
    out.push(
      `  running: seed ${c.seed} ${c.variant || 'stage 1'} ${c.arm} (run ${c.runId}) step ${c.step}/${c.totalSteps}`,
    );
  for (const variant of view.variants) {
    out.push(
      '',
      `variant "${variant.name}": ${variant.seeds.length} paired seed${variant.seeds.length === 1 ? '' : 's'}`,
    );
    if (variant.seeds.length === 0) continue;
    const header = ['metric (held-out identities)', 'cls-only', 'DDL', 'DDL - cls', '95% CI', 'p'];
    const body = variant.metrics.map(row);
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
    const line = (cells: string[]) =>
      cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
    out.push(line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line));
  }
  out.push('', `mean ± sd per arm; ${view.method}; * = p < 0.05; ▲ DDL better, ▼ worse`);
  return `${out.join('\n')}\n`;
}
