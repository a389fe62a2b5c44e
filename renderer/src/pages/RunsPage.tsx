import { useEffect, useMemo, useState } from 'react';
import { lab, type EvaluationSummary, type RunSummary } from '../api/index.js';
import { useDatasetSelection } from '../state/dataset-selection.js';
import { useJob, useJobs } from '../state/jobs.js';
import { useNavigation } from '../state/navigation.js';
import { EmptyState } from '../components/EmptyState.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { JobProgress } from '../components/JobProgress.js';
import { PageHeader } from '../components/PageHeader.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { useLabEvent } from '../hooks/use-lab-event.js';
import { useLabQuery } from '../hooks/use-lab-query.js';
import { useRefresh } from '../state/refresh.js';
import { formatCount, formatNumber, formatPercent, formatPointDelta, formatTimestamp } from '../lib/format.js';
import { ComparePanel } from './runs/ComparePanel.js';

/** The latest completed evaluation of each run (the one the table and the comparison use). */
function latestEvaluations(evaluations: EvaluationSummary[]): Map<string, EvaluationSummary> {
  const byRun = new Map<string, EvaluationSummary>();
  for (const evaluation of evaluations) {
    if (evaluation.status !== 'completed') continue;
    const known = byRun.get(evaluation.runId);
    if (!known || evaluation.createdAt > known.createdAt) byRun.set(evaluation.runId, evaluation);
  }
  return byRun;
}

/** Runs: every run with its status and headline metrics; evaluate, compare two, jump to their mistakes. */
export function RunsPage() {
  const { dataset, datasets } = useDatasetSelection();
  const { route, navigate } = useNavigation();
  const { invalidate } = useRefresh();
  const { track } = useJobs();
  const runs = useLabQuery('runs.list', dataset ? { datasetId: dataset.id } : {}, { tags: ['runs'] });
  const evaluations = useLabQuery('evaluations.list', {}, { tags: ['evaluations'] });
  const detail = useLabQuery('datasets.get', dataset ? { datasetId: dataset.id } : null, { tags: ['datasets'] });
  const [selected, setSelected] = useState<string[]>(() => (route.params.select ? [route.params.select] : []));
  const [pairListId, setPairListId] = useState('');
  const [flipTest, setFlipTest] = useState(false);
  const [evaluationJobs, setEvaluationJobs] = useState<Record<string, string>>({});
  const [evaluateError, setEvaluateError] = useState<unknown>();

  useLabEvent('run.status', () => invalidate('runs'));
  const anyLive = runs.data?.runs.some((r) => r.status === 'running' || r.status === 'queued');
  const reloadRuns = runs.reload;
  useEffect(() => {
    if (!anyLive) return undefined;
    const timer = setInterval(reloadRuns, 3000);
    return () => clearInterval(timer);
  }, [anyLive, reloadRuns]);

  const pairLists = detail.data?.pairLists ?? [];
  const chosenPairList = pairListId || pairLists[0]?.id || '';
  const latest = useMemo(() => latestEvaluations(evaluations.data?.evaluations ?? []), [evaluations.data]);
  const runList = useMemo(
    () => [...(runs.data?.runs ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
    [runs.data],
  );

  const toggle = (runId: string) =>
    setSelected((current) =>
      current.includes(runId) ? current.filter((id) => id !== runId) : [...current, runId].slice(-2),
    );
  const evaluate = async (run: RunSummary) => {
    setEvaluateError(undefined);
    try {
      const { jobId } = await lab.call('evaluations.run', { runId: run.id, pairListId: chosenPairList, flipTest });
      track(jobId);
      setEvaluationJobs((jobs) => ({ ...jobs, [run.id]: jobId }));
    } catch (error) {
      setEvaluateError(error);
    }
  };

  const [idA, idB] = selected;
  const runA = runList.find((r) => r.id === idA);
  const runB = runList.find((r) => r.id === idB);
  const evalA = idA ? latest.get(idA) : undefined;
  const evalB = idB ? latest.get(idB) : undefined;

  return (
    <div className="page">
      <PageHeader
        title="Runs"
        subtitle="Evaluate runs on the dataset's verification pairs, per pair type; tick two runs to compare them."
        actions={
          pairLists.length > 0 ? (
            <>
              <label className="inline-label" htmlFor="pair-list">
                Evaluate on
              </label>
              <select
                id="pair-list"
                className="input input-compact"
                value={chosenPairList}
                onChange={(e) => setPairListId(e.target.value)}
              >
                {pairLists.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name} ({formatCount(p.pairCount)} pairs)
                  </option>
                ))}
              </select>
              <label className="checkbox">
                <input type="checkbox" checked={flipTest} onChange={(e) => setFlipTest(e.target.checked)} /> flip test
              </label>
            </>
          ) : null
        }
      />
      <ErrorMessage error={runs.error ?? evaluations.error ?? evaluateError} />
      {!dataset && datasets && datasets.length === 0 ? (
        <EmptyState
          title="No runs yet"
          actions={
            <button type="button" className="button button-primary" onClick={() => navigate('datasets')}>
              Go to Datasets
            </button>
          }
        >
          <p>Runs appear here once you train on a dataset.</p>
        </EmptyState>
      ) : runs.data && runList.length === 0 ? (
        <EmptyState
          title="No runs on this dataset yet"
          actions={
            <button type="button" className="button button-primary" onClick={() => navigate('train')}>
              Go to Train
            </button>
          }
        >
          <p>Train a stage-1 baseline, fine-tune it with DDL and with classification only, then compare them here.</p>
        </EmptyState>
      ) : runList.length > 0 ? (
        <div className="panel table-panel">
          <table className="table runs-table">
            <caption className="sr-only">Runs of this dataset</caption>
            <thead>
              <tr>
                <th scope="col">
                  <span className="sr-only">Compare</span>
                </th>
                <th scope="col">Run</th>
                <th scope="col">Stage</th>
                <th scope="col">DDL</th>
                <th scope="col">Status</th>
                <th scope="col">Backend</th>
                <th scope="col" className="num">
                  Steps
                </th>
                <th scope="col" className="num">
                  Last loss
                </th>
                <th scope="col" className="num">
                  Accuracy
                </th>
                <th scope="col" className="num" title="easy-easy minus easy-hard accuracy">
                  Easy–hard gap
                </th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {runList.map((run) => {
                const evaluation = latest.get(run.id);
                const slot = selected.indexOf(run.id);
                return (
                  <tr
                    key={run.id}
                    className={slot >= 0 ? `row-selected row-selected-${slot === 0 ? 'a' : 'b'}` : undefined}
                  >
                    <td>
                      <input
                        type="checkbox"
                        checked={slot >= 0}
                        onChange={() => toggle(run.id)}
                        aria-label={`Compare ${run.name}`}
                      />
                      {slot >= 0 ? (
                        <span className={`slot slot-${slot === 0 ? 'a' : 'b'}`}>{slot === 0 ? 'A' : 'B'}</span>
                      ) : null}
                    </td>
                    <td>
                      <a href={`#/train?run=${run.id}`} className="run-link">
                        {run.name}
                      </a>
                      <div className="muted small">{formatTimestamp(run.createdAt)}</div>
                    </td>
                    <td>{run.stage}</td>
                    <td>
                      {run.objective === 'ddl' ? (
                        <span className="badge badge-ddl">on</span>
                      ) : (
                        <span className="muted">off</span>
                      )}
                    </td>
                    <td>
                      <StatusBadge status={run.status} />
                      {run.executor === 'slurm' ? (
                        <div className="muted small" title="Slurm job id and the scheduler's last state">
                          Slurm {run.jobId ?? '—'} · {run.jobState ?? '—'}
                        </div>
                      ) : null}
                    </td>
                    <td>{run.backend ?? '—'}</td>
                    <td className="num">
                      {formatCount(run.step)} / {formatCount(run.totalSteps)}
                    </td>
                    <td className="num">{formatNumber(run.lastLoss, 4)}</td>
                    <td className="num">{evaluation ? formatPercent(evaluation.accuracy, 2) : '—'}</td>
                    <td className="num">{evaluation ? formatPointDelta(evaluation.easyHardGap, 2) : '—'}</td>
                    <td>
                      <div className="row-actions">
                        <EvaluateCell
                          run={run}
                          jobId={evaluationJobs[run.id]}
                          canEvaluate={Boolean(chosenPairList)}
                          onEvaluate={() => evaluate(run)}
                        />
                        {evaluation ? (
                          <button
                            type="button"
                            className="button button-small"
                            onClick={() => navigate('inspect', { evaluation: evaluation.id })}
                          >
                            Mistakes<span className="sr-only"> of {run.name}</span>
                          </button>
                        ) : null}
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {pairLists.length === 0 && detail.data ? (
            <p className="muted table-note">
              This dataset has no verification pair list, so its runs cannot be evaluated. SynthFaces datasets come with
              one.
            </p>
          ) : null}
        </div>
      ) : null}
      {selected.length === 2 && runA && runB ? (
        evalA && evalB ? (
          <ComparePanel evaluationA={evalA.id} evaluationB={evalB.id} nameA={runA.name} nameB={runB.name} />
        ) : (
          <div className="notice notice-info" role="status">
            <span className="notice-text">
              Evaluate both runs to compare them (
              {[!evalA ? runA.name : '', !evalB ? runB.name : ''].filter(Boolean).join(' and ')} not evaluated yet).
            </span>
          </div>
        )
      ) : runList.length > 1 ? (
        <p className="muted">
          Tick two runs to compare them: ROC on a log-FAR axis, TAR@FAR and accuracy per pair type, and the easy–hard
          gaps.
        </p>
      ) : null}
    </div>
  );
}

function EvaluateCell({
  run,
  jobId,
  canEvaluate,
  onEvaluate,
}: {
  run: RunSummary;
  jobId: string | undefined;
  canEvaluate: boolean;
  onEvaluate: () => void;
}) {
  const job = useJob(jobId);
  if (jobId && (!job || job.status === 'running'))
    return (
      <div className="row-job">
        <JobProgress jobId={jobId} label="Evaluating" />
      </div>
    );
  if (run.status !== 'completed') return null;
  return (
    <>
      <button type="button" className="button button-small" disabled={!canEvaluate} onClick={onEvaluate}>
        Evaluate<span className="sr-only"> {run.name}</span>
      </button>
      {job && job.status === 'failed' ? (
        <span className="field-error" role="alert">
          {job.error ?? 'evaluation failed'}
        </span>
      ) : null}
    </>
  );
}
