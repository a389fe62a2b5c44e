import { useEffect, useState } from 'react';
import type { RunDetail } from '../api/index.js';
import { useDatasetSelection } from '../state/dataset-selection.js';
import { useNavigation } from '../state/navigation.js';
import { EmptyState } from '../components/EmptyState.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { PageHeader } from '../components/PageHeader.js';
import { useLabQuery } from '../hooks/use-lab-query.js';
import { formatTimestamp } from '../lib/format.js';
import { RunConfigForm } from './train/RunConfigForm.js';
import { RunMonitor } from './train/RunMonitor.js';

/** Train: configure and launch a run, then watch it like TensorBoard (scalars + the DDL distributions). */
export function TrainPage({ runId }: { runId?: string }) {
  const { dataset, datasets } = useDatasetSelection();
  const { route, navigate } = useNavigation();
  const runs = useLabQuery('runs.list', dataset ? { datasetId: dataset.id } : {}, { tags: ['runs'] });
  const [formOpen, setFormOpen] = useState(!runId);
  const [fineTuneFrom, setFineTuneFrom] = useState<RunDetail>();
  const runList = runs.data?.runs ?? [];
  const watched = runId ?? [...runList].sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0]?.id;

  useEffect(() => {
    if (runs.data && runs.data.runs.length === 0) setFormOpen(true);
  }, [runs.data]);

  if (!dataset) {
    return (
      <div className="page">
        <PageHeader title="Train" />
        {datasets && datasets.length === 0 ? (
          <EmptyState
            title="Nothing to train on yet"
            actions={
              <button type="button" className="button button-primary" onClick={() => navigate('datasets')}>
                Go to Datasets
              </button>
            }
          >
            <p>Training needs a dataset and a saved split. Generate a demo dataset, save a split, then come back.</p>
          </EmptyState>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </div>
    );
  }
  return (
    <div className="page">
      <PageHeader
        title="Train"
        subtitle="Stage 1 trains the margin-loss baseline; stage 2 fine-tunes it with DDL, or with classification only for the fair comparison."
        actions={
          <>
            {runList.length > 0 ? (
              <>
                <label className="inline-label" htmlFor="watched-run">
                  Run
                </label>
                <select
                  id="watched-run"
                  className="input input-compact"
                  value={watched ?? ''}
                  onChange={(e) => navigate('train', { run: e.target.value })}
                >
                  {[...runList]
                    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
                    .map((r) => (
                      <option key={r.id} value={r.id}>
                        {r.name} · {r.status} · {formatTimestamp(r.createdAt)}
                      </option>
                    ))}
                </select>
              </>
            ) : null}
            <button
              type="button"
              className={`button${formOpen ? ' button-active' : ''}`}
              aria-expanded={formOpen}
              onClick={() => setFormOpen(!formOpen)}
            >
              {formOpen ? 'Hide new-run form' : 'New run…'}
            </button>
          </>
        }
      />
      <ErrorMessage error={runs.error} />
      <div className={`train-layout${formOpen ? '' : ' train-layout-full'}`}>
        {formOpen ? (
          <RunConfigForm
            key={`${dataset.id}|${fineTuneFrom?.id ?? ''}`}
            datasetId={dataset.id}
            initialSplitId={route.params.split}
            fineTuneFrom={fineTuneFrom}
            onLaunched={(run) => {
              setFormOpen(false);
              navigate('train', { run: run.id });
            }}
          />
        ) : null}
        <div className="train-main">
          {watched ? (
            <RunMonitor
              key={watched}
              runId={watched}
              onFineTune={(parent) => {
                setFineTuneFrom(parent);
                setFormOpen(true);
              }}
            />
          ) : runs.data ? (
            <EmptyState title="No runs yet">
              <p>
                Launch stage 1 with the form: it trains the margin-loss baseline on your split. Then fine-tune it with
                DDL (stage 2) and compare on the Runs page.
              </p>
            </EmptyState>
          ) : null}
        </div>
      </div>
    </div>
  );
}
