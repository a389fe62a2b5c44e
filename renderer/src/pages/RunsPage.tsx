import { useEffect, useMemo, useState } from 'react';
import { lab, type BenchmarkCell, type LabParams, type RunStatus, type RunSummary } from '../api/index.js';
import { useDatasetSelection } from '../state/dataset-selection.js';
import { useJob, useJobs } from '../state/jobs.js';
import { useNavigation } from '../state/navigation.js';
import { EmptyState } from '../components/EmptyState.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { JobProgress } from '../components/JobProgress.js';
import { PageHeader } from '../components/PageHeader.js';
import { useDebouncedValue } from '../hooks/use-debounced-value.js';
import { useLabEvent } from '../hooks/use-lab-event.js';
import { useLabQuery } from '../hooks/use-lab-query.js';
import { useRefresh } from '../state/refresh.js';
import { formatCount } from '../lib/format.js';
import { ComparePanel } from './runs/ComparePanel.js';
import { CompareRuns } from './runs/CompareRuns.js';
import { RunDetailsPanel } from './runs/RunDetailsPanel.js';
import { noRunFilters, RunFilters, type RunFilterValues } from './runs/RunFilters.js';
import { RunsTable } from './runs/RunsTable.js';

function filtersFromRoute(params: Record<string, string>): RunFilterValues {
  return {
    search: params.q ?? '',
    tag: params.tag ?? '',
    status: params.status ?? '',
    datasetId: params.dataset ?? '',
    ddl: params.ddl === 'on' || params.ddl === 'off' ? params.ddl : '',
  };
}

/** Runs: every run of every dataset, found by name, tag, status, dataset, DDL; evaluated on any benchmark; compared. */
export function RunsPage() {
  const { dataset, datasets } = useDatasetSelection();
  const { route, navigate } = useNavigation();
  const { invalidate } = useRefresh();
  const { track } = useJobs();
  const routeFilters = useMemo(() => filtersFromRoute(route.params), [route.params]);
  const [filters, setFilters] = useState<RunFilterValues>(routeFilters);
  useEffect(() => setFilters(routeFilters), [routeFilters]); // the status bar's links set filters
  const search = useDebouncedValue(filters.search, 250);
  const listParams: LabParams<'runs.list'> = {
    ...(search.trim() ? { search: search.trim() } : {}),
    ...(filters.tag ? { tag: filters.tag } : {}),
    ...(filters.status ? { status: filters.status as RunStatus } : {}),
    ...(filters.datasetId ? { datasetId: filters.datasetId } : {}),
    ...(filters.ddl ? { objective: filters.ddl === 'on' ? ('ddl' as const) : ('classification' as const) } : {}),
  };
  const runs = useLabQuery('runs.list', listParams, { tags: ['runs'] });
  const allRuns = useLabQuery('runs.list', {}, { tags: ['runs'] });
  const tags = useLabQuery('runs.tags', {}, { tags: ['runs'] });
  const table = useLabQuery('evaluations.table', {}, { tags: ['evaluations', 'datasets'] });
  const [selected, setSelected] = useState<string[]>(() => (route.params.select ? [route.params.select] : []));
  const [openRun, setOpenRun] = useState<string | undefined>(route.params.run);
  const [benchmarkId, setBenchmarkId] = useState('');
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

  const benchmarks = table.data?.benchmarks ?? [];
  // by default, a benchmark of the working dataset (its own pair list), else the first there is
  const chosenBenchmark =
    benchmarkId || benchmarks.find((b) => b.datasetId === dataset?.id)?.id || benchmarks[0]?.id || '';
  const runList = useMemo(
    () => [...(runs.data?.runs ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
    [runs.data],
  );
  const everyRun = allRuns.data?.runs ?? [];
  const selectedRuns = selected
    .map((id) => everyRun.find((r) => r.id === id))
    .filter((r): r is RunSummary => r !== undefined);

  const toggle = (runId: string) =>
    setSelected((current) => (current.includes(runId) ? current.filter((id) => id !== runId) : [...current, runId]));
  const evaluate = async (run: RunSummary) => {
    setEvaluateError(undefined);
    try {
      const { jobId } = await lab.call('evaluations.run', { runId: run.id, pairListId: chosenBenchmark, flipTest });
      track(jobId);
      setEvaluationJobs((jobs) => ({ ...jobs, [run.id]: jobId }));
    } catch (error) {
      setEvaluateError(error);
    }
  };

  // Two runs evaluated on one same benchmark: the detailed two-run view (ROC, pair types, gaps) too.
  const cells = table.data?.cells ?? [];
  const pair =
    selectedRuns.length === 2
      ? benchmarks
          .map((b) => ({
            benchmark: b,
            a: cells.find((c) => c.runId === selectedRuns[0]!.id && c.pairListId === b.id),
            b: cells.find((c) => c.runId === selectedRuns[1]!.id && c.pairListId === b.id),
          }))
          .find((p) => p.a && p.b)
      : undefined;
  const byDataset = [...new Set(benchmarks.map((b) => b.datasetId))];

  return (
    <div className="page">
      <PageHeader
        title="Runs"
        subtitle="Every run of every dataset. Evaluate any run on any dataset's pair list; tick runs to compare them."
        actions={
          benchmarks.length > 0 ? (
            <>
              <label className="inline-label" htmlFor="pair-list">
                Evaluate on
              </label>
              <select
                id="pair-list"
                className="input input-compact"
                value={chosenBenchmark}
                onChange={(e) => setBenchmarkId(e.target.value)}
              >
                {byDataset.map((datasetId) => {
                  const lists = benchmarks.filter((b) => b.datasetId === datasetId);
                  return (
                    <optgroup key={datasetId} label={lists[0]!.datasetName}>
                      {lists.map((p) => (
                        <option key={p.id} value={p.id}>
                          {p.datasetName} / {p.name} ({formatCount(p.pairCount)} pairs)
                        </option>
                      ))}
                    </optgroup>
                  );
                })}
              </select>
              <label className="checkbox">
                <input type="checkbox" checked={flipTest} onChange={(e) => setFlipTest(e.target.checked)} /> flip test
              </label>
            </>
          ) : null
        }
      />
      <ErrorMessage error={runs.error ?? table.error ?? evaluateError} />
      {allRuns.data && everyRun.length === 0 ? (
        <EmptyState
          title="No runs yet"
          actions={
            <button
              type="button"
              className="button button-primary"
              onClick={() => navigate(datasets && datasets.length > 0 ? 'train' : 'datasets')}
            >
              {datasets && datasets.length > 0 ? 'Go to Train' : 'Go to Datasets'}
            </button>
          }
        >
          <p>
            Runs appear here once you train, in the app or with <code>ddl-lab train</code>: train a stage-1 baseline,
            fine-tune it with DDL and with classification only, then compare them here.
          </p>
        </EmptyState>
      ) : (
        <>
          <RunFilters
            value={filters}
            onChange={setFilters}
            tags={(tags.data?.tags ?? []).map((t) => t.tag)}
            datasets={datasets ?? []}
          />
          {openRun ? <RunDetailsPanel runId={openRun} onClose={() => setOpenRun(undefined)} /> : null}
          <div className="panel table-panel">
            {runs.data && runList.length === 0 ? (
              <p className="muted table-note">
                No run matches these filters ({formatCount(everyRun.length)} runs in the lab).{' '}
                <button type="button" className="link-button" onClick={() => setFilters(noRunFilters)}>
                  Show all
                </button>
              </p>
            ) : (
              <RunsTable
                runs={runList}
                datasets={datasets ?? []}
                benchmarks={benchmarks}
                cells={cells}
                selected={selected}
                onToggle={toggle}
                onOpenRun={setOpenRun}
                onInspect={(evaluationId) => navigate('inspect', { evaluation: evaluationId })}
                renderActions={(run) => (
                  <>
                    <EvaluateCell
                      run={run}
                      jobId={evaluationJobs[run.id]}
                      canEvaluate={Boolean(chosenBenchmark)}
                      onEvaluate={() => void evaluate(run)}
                    />
                    <MistakesButton
                      run={run}
                      cells={cells}
                      onInspect={(id) => navigate('inspect', { evaluation: id })}
                    />
                    <button type="button" className="button button-small" onClick={() => setOpenRun(run.id)}>
                      Details<span className="sr-only"> of {run.name}</span>
                    </button>
                  </>
                )}
              />
            )}
            {table.data && benchmarks.length === 0 ? (
              <p className="muted table-note">
                No dataset has a verification pair list yet, so runs cannot be evaluated. SynthFaces datasets come with
                one; imports take a pairs.txt or CSV.
              </p>
            ) : null}
          </div>
          {selectedRuns.length >= 2 ? (
            <>
              <CompareRuns runs={selectedRuns} />
              {pair?.a && pair.b ? (
                <ComparePanel
                  evaluationA={pair.a.evaluationId}
                  evaluationB={pair.b.evaluationId}
                  nameA={`${selectedRuns[0]!.name} · ${pair.benchmark.datasetName}`}
                  nameB={`${selectedRuns[1]!.name} · ${pair.benchmark.datasetName}`}
                />
              ) : null}
            </>
          ) : runList.length > 1 ? (
            <p className="muted">
              Tick two or more runs to compare them: loss curves overlaid, every benchmark metric with deltas against a
              baseline, and a CSV of it.
            </p>
          ) : null}
        </>
      )}
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

/** Inspect the run's latest evaluation, whichever benchmark it was on. */
function MistakesButton({
  run,
  cells,
  onInspect,
}: {
  run: RunSummary;
  cells: BenchmarkCell[];
  onInspect: (evaluationId: string) => void;
}) {
  const latest = cells.filter((c) => c.runId === run.id).sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  if (!latest) return null;
  return (
    <button type="button" className="button button-small" onClick={() => onInspect(latest.evaluationId)}>
      Mistakes<span className="sr-only"> of {run.name}</span>
    </button>
  );
}
