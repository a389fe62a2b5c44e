import { useState } from 'react';
import { lab, type RunDetail } from '../../api/index.js';
import { useNavigation } from '../../state/navigation.js';
import { useRefresh } from '../../state/refresh.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { useLabEvent } from '../../hooks/use-lab-event.js';
import { useLabQuery } from '../../hooks/use-lab-query.js';
import { useRunMetrics } from '../../hooks/use-run-metrics.js';
import { formatCount, formatDuration, formatNumber } from '../../lib/format.js';
import { RunCharts } from './RunCharts.js';
import { RunHistogramsView } from './RunHistogramsView.js';

const liveStatuses = new Set(['queued', 'running']);

/** One run, live: status, backend, progress, cancel/resume, every loss term and the four distributions. */
export function RunMonitor({ runId, onFineTune }: { runId: string; onFineTune: (parent: RunDetail) => void }) {
  const { invalidate } = useRefresh();
  const { navigate } = useNavigation();
  const [live, setLive] = useState(false);
  // while the run is live its record is polled too: status, step and backend never wait on an event alone
  const run = useLabQuery('runs.get', { runId }, { tags: ['runs'], pollMs: live ? 3000 : undefined });
  const detail = run.data;
  const nowLive = detail ? liveStatuses.has(detail.status) : false;
  if (nowLive !== live) setLive(nowLive);
  const metrics = useRunMetrics(runId, live);
  const [actionError, setActionError] = useState<unknown>();
  const [acting, setActing] = useState(false);

  useLabEvent('run.status', (event) => {
    if (event.runId === runId) run.reload();
    invalidate('runs');
  });

  const act = async (method: 'runs.cancel' | 'runs.resume') => {
    setActing(true);
    setActionError(undefined);
    try {
      await lab.call(method, { runId });
      run.reload();
      invalidate('runs');
    } catch (error) {
      setActionError(error);
    } finally {
      setActing(false);
    }
  };

  if (!detail) return run.error ? <ErrorMessage error={run.error} /> : <p className="muted">Loading run…</p>;
  const lastPoint = metrics.points[metrics.points.length - 1];
  const step = Math.max(detail.step, lastPoint?.step ?? 0);
  const speed = [...metrics.points].reverse().find((p) => p.imagesPerSecond !== null)?.imagesPerSecond ?? null;
  const finishedIn =
    detail.startedAt && detail.finishedAt
      ? (Date.parse(detail.finishedAt) - Date.parse(detail.startedAt)) / 1000
      : null;
  const elapsed = finishedIn ?? [...metrics.points].reverse().find((p) => p.time !== null)?.time ?? null;
  return (
    <section className="run-monitor" aria-label={`Run ${detail.name}`}>
      <div className="run-header">
        <div className="run-title">
          <h2 className="section-title">{detail.name}</h2>
          <StatusBadge status={detail.status} />
          <span className="badge badge-neutral">stage {detail.stage}</span>
          <span className={`badge ${detail.objective === 'ddl' ? 'badge-ddl' : 'badge-neutral'}`}>
            {detail.objective === 'ddl' ? 'DDL' : 'classification'}
          </span>
        </div>
        <dl className="stat-row">
          <div className="stat">
            <dt>Step</dt>
            <dd data-testid="run-step">
              {formatCount(step)} / {formatCount(detail.totalSteps)}
            </dd>
          </div>
          <div className="stat">
            <dt>Backend</dt>
            <dd data-testid="run-backend">{detail.backend ?? (live ? 'starting…' : '—')}</dd>
          </div>
          <div className="stat">
            <dt>Images / s</dt>
            <dd>{formatNumber(speed, 1)}</dd>
          </div>
          <div className="stat">
            <dt>Elapsed</dt>
            <dd>{formatDuration(elapsed)}</dd>
          </div>
          <div className="stat">
            <dt>Last loss</dt>
            <dd>{formatNumber(lastPoint?.terms.total ?? detail.lastLoss, 4)}</dd>
          </div>
          <div className="stat">
            <dt>Seed</dt>
            <dd>{detail.seed}</dd>
          </div>
          {detail.executor === 'slurm' ? (
            <div className="stat">
              <dt>Slurm job</dt>
              <dd>
                {detail.jobId ?? '—'} · {detail.jobState ?? '—'}
              </dd>
            </div>
          ) : null}
        </dl>
        <div className="run-actions">
          {live ? (
            <button type="button" className="button" disabled={acting} onClick={() => act('runs.cancel')}>
              {acting ? 'Cancelling…' : 'Cancel run'}
            </button>
          ) : null}
          {detail.status === 'interrupted' || detail.status === 'cancelled' ? (
            <button type="button" className="button" disabled={acting} onClick={() => act('runs.resume')}>
              Resume from checkpoint
            </button>
          ) : null}
          {detail.status === 'completed' && detail.stage === 1 ? (
            <button type="button" className="button" onClick={() => onFineTune(detail)}>
              Fine-tune (stage 2)…
            </button>
          ) : null}
          {detail.status === 'completed' ? (
            <button
              type="button"
              className="button button-primary"
              onClick={() => navigate('runs', { select: detail.id })}
            >
              Evaluate in Runs →
            </button>
          ) : null}
        </div>
      </div>
      {live ? (
        <ProgressBar
          value={detail.totalSteps ? step / detail.totalSteps : null}
          label={`Run ${detail.name} progress`}
        />
      ) : null}
      {detail.error ? (
        <ErrorMessage error={detail.status === 'failed' ? detail.error : `Stopped: ${detail.error}`} />
      ) : null}
      <ErrorMessage error={actionError ?? metrics.error} />
      <RunCharts points={metrics.points} objective={detail.objective} live={live} />
      {detail.stage === 2 ? (
        <RunHistogramsView runId={runId} live={live} />
      ) : (
        <p className="muted chart-empty-inline">
          Stage 1 trains the baseline on classification alone; the teacher/student similarity histograms are recorded by
          stage-2 fine-tunes.{' '}
          {detail.status === 'completed' ? (
            <button type="button" className="link-button" onClick={() => onFineTune(detail)}>
              Fine-tune this run
            </button>
          ) : null}
        </p>
      )}
    </section>
  );
}
