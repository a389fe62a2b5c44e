import type { ReactNode } from 'react';
import type { DatasetSummary, RunSummary } from '../../api/index.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { formatCount, formatNumber, formatTimestamp } from '../../lib/format.js';

// The runs table's columns before the benchmark groups. To add a column (e.g. a scheduler's job
// id), add an entry here: a header and how to draw a run's cell.

export interface RunColumnContext {
  datasets: Map<string, DatasetSummary>;
  openRun: (runId: string) => void;
}

export interface RunColumn {
  key: string;
  header: ReactNode;
  /** `num` right-aligns the column (numbers). */
  numeric?: boolean;
  title?: string;
  cell: (run: RunSummary, context: RunColumnContext) => ReactNode;
}

export const runColumns: RunColumn[] = [
  {
    key: 'run',
    header: 'Run',
    cell: (run, { openRun }) => (
      <>
        <button type="button" className="link-button run-link" onClick={() => openRun(run.id)}>
          {run.name}
        </button>
        {run.tags.length > 0 ? (
          <ul className="chips run-tags" aria-label={`tags of ${run.name}`}>
            {run.tags.map((tag) => (
              <li key={tag} className="chip">
                {tag}
              </li>
            ))}
          </ul>
        ) : null}
        <div className="muted small">
          #{run.id} · {formatTimestamp(run.createdAt)}{' '}
          <a href={`#/train?run=${run.id}`} className="muted">
            curves
          </a>
        </div>
      </>
    ),
  },
  {
    key: 'dataset',
    header: 'Trained on',
    cell: (run, { datasets }) => datasets.get(run.datasetId)?.name ?? `dataset ${run.datasetId}`,
  },
  { key: 'stage', header: 'Stage', cell: (run) => run.stage },
  {
    key: 'ddl',
    header: 'DDL',
    cell: (run) =>
      run.objective === 'ddl' ? <span className="badge badge-ddl">on</span> : <span className="muted">off</span>,
  },
  {
    key: 'status',
    header: 'Status',
    cell: (run) => (
      <>
        <StatusBadge status={run.status} />
        {run.executor === 'slurm' ? (
          <div className="muted small" title="Slurm job id and the scheduler's last state">
            Slurm {run.jobId ?? '—'} · {run.jobState ?? '—'}
          </div>
        ) : null}
      </>
    ),
  },
  { key: 'backend', header: 'Backend', cell: (run) => run.backend ?? '—' },
  {
    key: 'steps',
    header: 'Steps',
    numeric: true,
    cell: (run) => `${formatCount(run.step)} / ${formatCount(run.totalSteps)}`,
  },
  { key: 'loss', header: 'Last loss', numeric: true, cell: (run) => formatNumber(run.lastLoss, 4) },
];
