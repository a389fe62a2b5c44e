import { useState } from 'react';
import { lab, type ExperimentDetail, type ExperimentMetric } from '../api/index.js';
import { EmptyState } from '../components/EmptyState.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { PageHeader } from '../components/PageHeader.js';
import { ProgressBar } from '../components/ProgressBar.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { useLabQuery } from '../hooks/use-lab-query.js';
import { formatNumber, formatTimestamp } from '../lib/format.js';
import { useRefresh } from '../state/refresh.js';
import {
  defaultForm,
  formToSpec,
  newVariant,
  type ExperimentForm,
  type VariantRow,
} from './experiments/experiment-form.js';
import { ForestPlot } from './experiments/ForestPlot.js';
import { SlurmSettingsForm } from './experiments/SlurmSettingsForm.js';

/** Experiments: define variants × seeds of paired DDL vs cls-only fine-tunes, watch them run, read and export the results. */
export function ExperimentsPage() {
  const { invalidate } = useRefresh();
  const list = useLabQuery('experiments.list', {}, { tags: ['runs'], pollMs: 3000 });
  const [selected, setSelected] = useState<string>();
  const [form, setForm] = useState<ExperimentForm>(defaultForm);
  const [createError, setCreateError] = useState<unknown>();
  const experiments = list.data?.experiments ?? [];
  const current = selected ?? experiments[experiments.length - 1]?.id;

  const create = async () => {
    setCreateError(undefined);
    try {
      const made = await lab.call('experiments.create', { spec: formToSpec(form) });
      setSelected(made.id);
      invalidate('runs');
      list.reload();
    } catch (error) {
      setCreateError(error);
    }
  };
  const setVariant = (i: number, change: Partial<VariantRow>) =>
    setForm((f) => ({ ...f, variants: f.variants.map((v, k) => (k === i ? { ...v, ...change } : v)) }));

  return (
    <div className="page">
      <PageHeader
        title="Experiments"
        subtitle="Variants × seeds: per seed a stage 1, then per variant a DDL and a classification-only fine-tune from it (same batches, same steps), evaluated on held-out SynthFaces identities."
      />
      <section className="panel" aria-labelledby="define-experiment">
        <h2 id="define-experiment" className="panel-title">
          Define an experiment
        </h2>
        <div className="form-row">
          <label>
            Name <input value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
          </label>
          <label>
            Base settings{' '}
            <select
              value={form.base}
              onChange={(e) => setForm({ ...form, base: e.target.value as ExperimentForm['base'] })}
            >
              <option value="quick">quick</option>
              <option value="full">full</option>
              <option value="tiny">tiny (seconds a run: to try the page, not to measure DDL)</option>
            </select>
          </label>
          <label>
            First seed{' '}
            <input size={5} value={form.firstSeed} onChange={(e) => setForm({ ...form, firstSeed: e.target.value })} />
          </label>
          <label>
            Seeds{' '}
            <input size={4} value={form.seedCount} onChange={(e) => setForm({ ...form, seedCount: e.target.value })} />
          </label>
          <label>
            Runs on{' '}
            <select
              value={form.executor}
              onChange={(e) => setForm({ ...form, executor: e.target.value as ExperimentForm['executor'] })}
            >
              <option value="local">this machine</option>
              <option value="slurm">Slurm (array jobs per variant)</option>
            </select>
          </label>
        </div>
        {form.executor === 'slurm' ? (
          <details className="slurm-settings">
            <summary>Slurm settings (partition, time, CPUs, memory, GPUs, setup lines, shared folder)</summary>
            <SlurmSettingsForm />
          </details>
        ) : null}
        <table className="table">
          <caption className="sr-only">Variants (empty fields keep the base setting)</caption>
          <thead>
            <tr>
              <th>variant</th>
              <th>λ+</th>
              <th>λ−</th>
              <th>teacher gradient</th>
              <th>student pairs</th>
              <th>b</th>
              <th>lr</th>
              <th>steps</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {form.variants.map((v, i) => (
              <tr key={i}>
                <td>
                  <input
                    aria-label={`variant ${i + 1} name`}
                    value={v.name}
                    onChange={(e) => setVariant(i, { name: e.target.value })}
                  />
                </td>
                {(['lambdaPos', 'lambdaNeg'] as const).map((field) => (
                  <td key={field}>
                    <input
                      size={5}
                      aria-label={`variant ${i + 1} ${field}`}
                      value={v[field]}
                      onChange={(e) => setVariant(i, { [field]: e.target.value })}
                    />
                  </td>
                ))}
                <td>
                  <select
                    aria-label={`variant ${i + 1} teacher gradient`}
                    value={v.teacherGradient}
                    onChange={(e) =>
                      setVariant(i, { teacherGradient: e.target.value as VariantRow['teacherGradient'] })
                    }
                  >
                    <option value="flow">flow</option>
                    <option value="stop">stop</option>
                  </select>
                </td>
                <td>
                  <select
                    aria-label={`variant ${i + 1} student pairs`}
                    value={v.studentPairs}
                    onChange={(e) => setVariant(i, { studentPairs: e.target.value as VariantRow['studentPairs'] })}
                  >
                    <option value="easy-hard">easy-hard</option>
                    <option value="hard-hard">hard-hard</option>
                  </select>
                </td>
                {(['batchSize', 'lr', 'steps'] as const).map((field) => (
                  <td key={field}>
                    <input
                      size={5}
                      aria-label={`variant ${i + 1} ${field}`}
                      placeholder="base"
                      value={v[field]}
                      onChange={(e) => setVariant(i, { [field]: e.target.value })}
                    />
                  </td>
                ))}
                <td>
                  <button
                    type="button"
                    className="button button-small"
                    disabled={form.variants.length === 1}
                    onClick={() => setForm((f) => ({ ...f, variants: f.variants.filter((_, k) => k !== i) }))}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="form-row">
          <button
            type="button"
            className="button"
            onClick={() =>
              setForm((f) => ({ ...f, variants: [...f.variants, newVariant(`variant ${f.variants.length + 1}`)] }))
            }
          >
            Add variant
          </button>
          <button type="button" className="button button-primary" onClick={() => void create()}>
            Run experiment
          </button>
        </div>
        <ErrorMessage error={createError} />
      </section>

      <ErrorMessage error={list.error} />
      {experiments.length === 0 ? (
        <EmptyState title="No experiments yet">Define variants and seeds above, then run the experiment.</EmptyState>
      ) : (
        <section className="panel" aria-labelledby="experiment-list">
          <h2 id="experiment-list" className="panel-title">
            Experiments
          </h2>
          <ul className="experiment-list">
            {experiments.map((e) => (
              <li key={e.id}>
                <button
                  type="button"
                  className={`button button-small${e.id === current ? ' button-primary' : ''}`}
                  onClick={() => setSelected(e.id)}
                >
                  #{e.id} {e.name}
                </button>{' '}
                <StatusBadge status={e.status} /> {e.progress.done}/{e.progress.total} runs ·{' '}
                {formatTimestamp(e.createdAt)}
              </li>
            ))}
          </ul>
        </section>
      )}
      {current ? <ExperimentResults experimentId={current} /> : null}
    </div>
  );
}

function ExperimentResults({ experimentId }: { experimentId: string }) {
  const detail = useLabQuery('experiments.get', { experimentId }, { pollMs: 3000 });
  const [metric, setMetric] = useState('marginGap');
  const [actionError, setActionError] = useState<unknown>();
  const d = detail.data;
  if (!d) return <ErrorMessage error={detail.error} />;
  const act = async (method: 'experiments.resume' | 'experiments.stop') => {
    setActionError(undefined);
    try {
      await lab.call(method, { experimentId });
      detail.reload();
    } catch (error) {
      setActionError(error);
    }
  };
  const running = d.cells.filter((c) => c.status === 'running');
  return (
    <section className="panel" aria-labelledby="experiment-results">
      <h2 id="experiment-results" className="panel-title">
        #{d.id} {d.name} <StatusBadge status={d.status} />
      </h2>
      <ProgressBar
        value={d.progress.total ? d.progress.done / d.progress.total : 0}
        label={`${d.progress.done}/${d.progress.total} runs done`}
      />
      <p className="muted">
        {d.progress.done}/{d.progress.total} runs done; seeds {d.seeds.join(', ')}
        {d.spec.executor === 'slurm' ? '; runs as Slurm jobs' : ''}
      </p>
      {running.map((c) => (
        <p key={`${c.seed}-${c.variant}-${c.arm}`} className="muted">
          seed {c.seed} · {c.variant || 'stage 1'} · {c.arm}: step {c.step}/{c.totalSteps}
          {c.executor === 'slurm' ? ` · Slurm ${c.jobId ?? '—'} · ${c.jobState ?? '—'}` : ''}
        </p>
      ))}
      <CellTable cells={d.cells} />
      {d.error ? <p className="error-text">{d.error}</p> : null}
      <div className="form-row">
        {d.status === 'running' ? (
          <button type="button" className="button button-small" onClick={() => void act('experiments.stop')}>
            Stop
          </button>
        ) : d.status !== 'completed' ? (
          <button type="button" className="button button-small" onClick={() => void act('experiments.resume')}>
            Resume
          </button>
        ) : null}
        <button type="button" className="button button-small" onClick={() => downloadCsv(d)}>
          Export CSV
        </button>
        <label>
          Forest plot of{' '}
          <select value={metric} onChange={(e) => setMetric(e.target.value)}>
            {(d.variants[0]?.metrics ?? []).map((m) => (
              <option key={m.key} value={m.key}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorMessage error={actionError} />
      <ForestPlot detail={d} metric={metric} />
      {d.variants.map((v) => (
        <VariantTable key={v.name} name={v.name} seeds={v.seeds} metrics={v.metrics} />
      ))}
      <p className="muted">Mean ± sd per arm; {d.method}; * p &lt; 0.05; ▲ DDL better, ▼ worse.</p>
    </section>
  );
}

/** Every run of the experiment: its status and step, and where it trains (Slurm: job id and state). */
function CellTable({ cells }: { cells: ExperimentDetail['cells'] }) {
  if (cells.length === 0) return null;
  return (
    <details className="experiment-cells">
      <summary>
        Runs ({cells.length}
        {cells.some((c) => c.executor === 'slurm') ? ', on Slurm' : ''})
      </summary>
      <table className="table">
        <thead>
          <tr>
            <th>seed</th>
            <th>variant</th>
            <th>arm</th>
            <th>run</th>
            <th>status</th>
            <th>step</th>
            <th>where</th>
          </tr>
        </thead>
        <tbody>
          {cells.map((c) => (
            <tr key={`${c.seed}-${c.variant}-${c.arm}`}>
              <td>{c.seed}</td>
              <td>{c.variant || 'stage 1'}</td>
              <td>{c.arm}</td>
              <td>{c.runId ? `#${c.runId}` : '—'}</td>
              <td>{c.status ? <StatusBadge status={c.status} /> : '—'}</td>
              <td>
                {c.step}/{c.totalSteps}
              </td>
              <td>
                {c.executor === 'slurm' ? (
                  <span title="Slurm job id · the scheduler's last state">
                    Slurm {c.jobId ?? '—'} · {c.jobState ?? '—'}
                  </span>
                ) : (
                  'local'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

function VariantTable({ name, seeds, metrics }: { name: string; seeds: number[]; metrics: ExperimentMetric[] }) {
  const meanSd = (a: { mean: number | null; sd: number | null }) =>
    a.mean === null ? 'n/a' : `${formatNumber(a.mean)}${a.sd !== null ? ` ± ${formatNumber(a.sd)}` : ''}`;
  return (
    <table className="table">
      <caption>
        {name}: {seeds.length} paired seed{seeds.length === 1 ? '' : 's'}
      </caption>
      <thead>
        <tr>
          <th>metric (held-out identities)</th>
          <th>cls-only</th>
          <th>DDL</th>
          <th>DDL − cls</th>
          <th>95% CI</th>
          <th>p</th>
        </tr>
      </thead>
      <tbody>
        {metrics.map((m) => {
          const diff = m.difference;
          const better =
            diff.mean === null || diff.mean === 0 ? '' : diff.mean > 0 === (m.better === 'higher') ? '▲' : '▼';
          const significant = diff.p !== null && diff.p < 0.05;
          return (
            <tr key={m.key} className={significant ? 'row-significant' : undefined}>
              <td>{m.label}</td>
              <td>{meanSd(m.clsOnly)}</td>
              <td>{meanSd(m.ddl)}</td>
              <td>
                {formatNumber(diff.mean)} {better}
              </td>
              <td>{diff.ci95 ? `[${formatNumber(diff.ci95[0])}, ${formatNumber(diff.ci95[1])}]` : 'n/a'}</td>
              <td>
                {diff.p === null ? 'n/a' : formatNumber(diff.p)}
                {significant ? '*' : ''}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function downloadCsv(d: ExperimentDetail) {
  const url = URL.createObjectURL(new Blob([d.csv], { type: 'text/csv' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `experiment-${d.id}.csv`;
  a.click();
  URL.revokeObjectURL(url);
}
