import { useEffect, useState } from 'react';
import { lab, type ExportRequest, type RunRemoval } from '../../api/index.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { useLabQuery } from '../../hooks/use-lab-query.js';
import { downloadExport } from '../../lib/download.js';
import { formatCount, formatPercent, formatTimestamp } from '../../lib/format.js';
import { useNavigation } from '../../state/navigation.js';
import { useRefresh } from '../../state/refresh.js';
import { ComputedExport, evaluationExports } from './ComputedExport.js';
import { RunEmbeddingsExport } from './RunEmbeddingsExport.js';

const formatBytes = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;

/** The sentence the delete confirmation shows: everything the delete removes, by count. */
export function removalSentence(r: RunRemoval): string {
  const parts = [
    `${formatCount(r.checkpoints)} checkpoint${r.checkpoints === 1 ? '' : 's'}`,
    `${formatCount(r.metricRows)} metric rows`,
    `${formatCount(r.histogramRows)} histogram rows`,
    `${formatCount(r.evaluations)} evaluation${r.evaluations === 1 ? '' : 's'} (with ${formatCount(r.failureRows)} failure rows)`,
    `${formatCount(r.tags)} tag${r.tags === 1 ? '' : 's'}`,
    `the folder ${r.folder} (${formatBytes(r.folderBytes)})`,
  ];
  return `Deleting "${r.name}" removes ${parts.join(', ')}. This cannot be undone.`;
}

/** One run: rename, notes, tags, delete; its config, backend, seed, data and code version; its exports. */
export function RunDetailsPanel({ runId, onClose }: { runId: string; onClose: () => void }) {
  const detail = useLabQuery('runs.get', { runId }, { tags: ['runs', 'evaluations'] });
  const evaluations = useLabQuery('evaluations.list', { runId }, { tags: ['evaluations'] });
  const benchmarks = useLabQuery('evaluations.benchmarks', {}, { tags: ['datasets'] });
  const datasets = useLabQuery('datasets.list', {}, { tags: ['datasets'] });
  const { invalidate } = useRefresh();
  const { navigate } = useNavigation();
  const [name, setName] = useState('');
  const [notes, setNotes] = useState('');
  const [tags, setTags] = useState('');
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<unknown>();
  const [removal, setRemoval] = useState<RunRemoval>();
  const run = detail.data;

  useEffect(() => {
    if (!run) return;
    setName(run.name);
    setNotes(run.notes);
    setTags(run.tags.join(', '));
    // only when another run is shown: typing must not be overwritten by a refresh
    // (run?.id only)
  }, [run?.id]);

  const save = async () => {
    setError(undefined);
    setSaved(false);
    try {
      await lab.call('runs.update', { runId, name, notes, tags: tags.split(',') });
      setSaved(true);
      invalidate('runs');
    } catch (failure) {
      setError(failure);
    }
  };
  const askDelete = async () => {
    setError(undefined);
    try {
      setRemoval(await lab.call('runs.removal', { runId }));
    } catch (failure) {
      setError(failure);
    }
  };
  const confirmDelete = async () => {
    try {
      await lab.call('runs.delete', { runId });
      setRemoval(undefined);
      invalidate('runs', 'evaluations');
      onClose();
    } catch (failure) {
      setError(failure);
    }
  };
  const download = async (request: ExportRequest) => {
    setError(undefined);
    try {
      await downloadExport(request);
    } catch (failure) {
      setError(failure);
    }
  };

  if (!run) return detail.error ? <ErrorMessage error={detail.error} /> : <p className="muted">Loading the run…</p>;
  const dataset = datasets.data?.datasets.find((d) => d.id === run.datasetId);
  const benchmarkName = (pairListId: string) => {
    const b = benchmarks.data?.benchmarks.find((x) => x.id === pairListId);
    return b ? `${b.datasetName} / ${b.name}` : `pair list ${pairListId}`;
  };
  return (
    <section className="panel run-details" aria-label={`Run ${run.name}`}>
      <div className="panel-header">
        <h2 className="panel-title">
          {run.name} <span className="muted small">#{run.id}</span> <StatusBadge status={run.status} />
        </h2>
        <button type="button" className="button button-small" onClick={onClose}>
          Close
        </button>
      </div>
      <ErrorMessage error={error} />
      <div className="run-details-grid">
        <form
          className="run-annotations"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <label className="field-label" htmlFor="run-name">
            Name
          </label>
          <input id="run-name" className="input" value={name} onChange={(e) => setName(e.target.value)} />
          <label className="field-label" htmlFor="run-tags">
            Tags <span className="muted small">(comma-separated)</span>
          </label>
          <input id="run-tags" className="input" value={tags} onChange={(e) => setTags(e.target.value)} />
          <label className="field-label" htmlFor="run-notes">
            Notes
          </label>
          <textarea
            id="run-notes"
            className="input"
            rows={3}
            value={notes}
            onChange={(e) => setNotes(e.target.value)}
          />
          <div className="row-actions">
            <button type="submit" className="button button-primary button-small">
              Save
            </button>
            {saved ? (
              <span className="muted small" role="status">
                saved
              </span>
            ) : null}
            <button type="button" className="button button-small button-danger" onClick={() => void askDelete()}>
              Delete run…
            </button>
          </div>
          {removal ? (
            <div className="notice notice-warn" role="alertdialog" aria-label="Confirm delete">
              {removal.blockedBy ? (
                <p>Cannot delete now: {removal.blockedBy}.</p>
              ) : (
                <>
                  <p>{removalSentence(removal)}</p>
                  <div className="row-actions">
                    <button
                      type="button"
                      className="button button-small button-danger"
                      onClick={() => void confirmDelete()}
                    >
                      Delete
                    </button>
                    <button type="button" className="button button-small" onClick={() => setRemoval(undefined)}>
                      Keep it
                    </button>
                  </div>
                </>
              )}
            </div>
          ) : null}
        </form>
        <dl className="run-facts">
          <dt>Training data</dt>
          <dd>
            {dataset ? dataset.name : `dataset ${run.datasetId}`} ·{' '}
            {run.splitId === '0' ? 'no split (pretrained model, not trained here)' : `split ${run.splitId}`}
            {dataset ? <div className="muted small">{dataset.root}</div> : null}
          </dd>
          <dt>Stage / objective</dt>
          <dd>
            {run.stage} · {run.objective === 'ddl' ? 'DDL' : 'classification'}
            {run.parentRunId ? ` · from run #${run.parentRunId}` : ''}
          </dd>
          <dt>Backend</dt>
          <dd>
            {run.backend ??
              (run.totalSteps === 0 && run.status === 'completed'
                ? 'none (pretrained, not trained here)'
                : 'not started')}
          </dd>
          <dt>Seed</dt>
          <dd>{run.seed}</dd>
          <dt>Code version</dt>
          <dd>{run.codeVersion ?? 'not recorded (run made before it was)'}</dd>
          <dt>Created</dt>
          <dd>
            {formatTimestamp(run.createdAt)}
            {run.finishedAt ? ` · finished ${formatTimestamp(run.finishedAt)}` : ''}
          </dd>
          <dt>Checkpoints</dt>
          <dd>{run.checkpoints.map((c) => c.step).join(', ') || 'none'}</dd>
          <dt>Export</dt>
          <dd className="row-actions">
            <button
              type="button"
              className="button button-small"
              onClick={() => void download({ kind: 'run-series-csv', runId })}
            >
              Series CSV
            </button>
            <button
              type="button"
              className="button button-small"
              onClick={() => void download({ kind: 'run-json', runId })}
            >
              Run JSON
            </button>
          </dd>
          <dt>Embeddings</dt>
          <dd>
            <RunEmbeddingsExport
              key={run.id}
              runId={runId}
              runName={run.name}
              datasets={datasets.data?.datasets ?? []}
              defaultDatasetId={run.datasetId}
              checkpointSteps={run.checkpoints.map((c) => c.step)}
            />
          </dd>
        </dl>
      </div>
      {evaluations.data && evaluations.data.evaluations.length > 0 ? (
        <table className="table table-compact">
          <caption className="caption-left">Evaluations</caption>
          <thead>
            <tr>
              <th scope="col">Benchmark</th>
              <th scope="col">Checkpoint</th>
              <th scope="col" className="num">
                Accuracy
              </th>
              <th scope="col">Export</th>
            </tr>
          </thead>
          <tbody>
            {evaluations.data.evaluations.map((e) => (
              <tr key={e.id}>
                <td>{benchmarkName(e.pairListId)}</td>
                <td>{e.checkpointStep ?? '—'}</td>
                <td className="num">{e.status === 'completed' ? formatPercent(e.accuracy, 2) : e.status}</td>
                <td className="row-actions">
                  {e.status === 'completed' ? (
                    <>
                      <button
                        type="button"
                        className="button button-small"
                        onClick={() => navigate('inspect', { evaluation: e.id })}
                      >
                        Inspect
                      </button>
                      <button
                        type="button"
                        className="button button-small"
                        onClick={() => void download({ kind: 'evaluation-json', evaluationId: e.id })}
                      >
                        JSON
                      </button>
                      <button
                        type="button"
                        className="button button-small"
                        onClick={() => void download({ kind: 'evaluation-csv', evaluationId: e.id })}
                      >
                        Metrics CSV
                      </button>
                      <button
                        type="button"
                        className="button button-small"
                        onClick={() => void download({ kind: 'failures-csv', evaluationId: e.id })}
                      >
                        Failures CSV
                      </button>
                      <ComputedExport choices={evaluationExports(e.id)} />
                    </>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <details className="run-config">
        <summary>Full config</summary>
        <pre>{JSON.stringify(run.config, null, 2)}</pre>
      </details>
    </section>
  );
}
