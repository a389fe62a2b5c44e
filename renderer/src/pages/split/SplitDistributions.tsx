import { useState } from 'react';
import { lab, type SimilarityHistograms, type SplitDefinition } from '../../api/index.js';
import { DistributionPanels } from '../../components/DistributionPanels.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Field } from '../../components/Field.js';
import { useLabQuery } from '../../hooks/use-lab-query.js';

/** The teacher/student distributions this split would give under a trained model: does the rule pick images the model finds hard? */
export function SplitDistributions({
  datasetId,
  definition,
}: {
  datasetId: string;
  definition: SplitDefinition | undefined;
}) {
  const runs = useLabQuery('runs.list', { datasetId, status: 'completed' }, { tags: ['runs'] });
  const [runId, setRunId] = useState('');
  const [result, setResult] = useState<{ histograms: SimilarityHistograms; definition: string }>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const completed = runs.data?.runs ?? [];
  const chosen = runId || completed[0]?.id || '';
  const compute = async () => {
    if (!definition || !chosen) return;
    setBusy(true);
    setError(undefined);
    try {
      const histograms = await lab.call('splits.distributions', {
        datasetId,
        definition,
        runId: chosen,
        maxImages: 2000,
      });
      setResult({ histograms, definition: JSON.stringify(definition) });
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const stale = result && result.definition !== JSON.stringify(definition);
  return (
    <section className="panel" aria-label="Distributions under a trained model">
      <div className="panel-header">
        <h2 className="panel-title">Distributions under a trained model</h2>
        <span className="muted">teacher = easy, student = hard</span>
      </div>
      {runs.error ? (
        <ErrorMessage error={runs.error} />
      ) : completed.length === 0 ? (
        <p className="muted">
          Train a run on this dataset (Train page) to see the similarity distributions this split would give.
        </p>
      ) : (
        <div className="toolbar">
          <Field label="Model (completed run)">
            {(p) => (
              <select {...p} className="input input-compact" value={chosen} onChange={(e) => setRunId(e.target.value)}>
                {completed.map((run) => (
                  <option key={run.id} value={run.id}>
                    {run.name} (stage {run.stage}
                    {run.objective === 'ddl' ? ', DDL' : ''})
                  </option>
                ))}
              </select>
            )}
          </Field>
          <button type="button" className="button" disabled={!definition || busy} onClick={compute}>
            {busy ? 'Embedding images…' : result ? 'Recompute' : 'Compute distributions'}
          </button>
          {stale ? <span className="muted">the rule changed since: recompute</span> : null}
        </div>
      )}
      <ErrorMessage error={error} />
      {result ? <DistributionPanels histograms={result.histograms} idPrefix="split-dist" height={180} /> : null}
    </section>
  );
}
