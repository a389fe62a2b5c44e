import { useState } from 'react';
import { ComputedExport } from './ComputedExport.js';

// A run's embeddings of any dataset, at any of its checkpoints (as `ddl-lab runs embeddings`):
// the dataset and checkpoint chosen here, the format in the export menu.

export function RunEmbeddingsExport({
  runId,
  runName,
  datasets,
  defaultDatasetId,
  checkpointSteps,
}: {
  runId: string;
  runName: string;
  datasets: ReadonlyArray<{ id: string; name: string; imageCount: number; status: string }>;
  defaultDatasetId: string;
  checkpointSteps: readonly number[];
}) {
  const ready = datasets.filter((d) => d.status === 'ready');
  const [chosen, setDatasetId] = useState(defaultDatasetId);
  const latest = checkpointSteps.at(-1);
  const [step, setStep] = useState<number | undefined>(undefined);
  if (latest === undefined) return <span className="muted small">no checkpoint to embed with</span>;
  // The run's own dataset may have been removed since: then the first one there is.
  const datasetId = ready.some((d) => d.id === chosen) ? chosen : ready[0]?.id;
  if (datasetId === undefined) return <span className="muted small">no dataset to embed</span>;
  const checkpointStep = step ?? latest;
  const request = (format: 'csv' | 'npy') => ({
    kind: 'run-embeddings' as const,
    runId,
    datasetId,
    format,
    checkpointStep,
  });
  return (
    <div className="row-actions">
      <select
        className="input"
        aria-label={`Embed dataset with ${runName}`}
        value={datasetId}
        onChange={(e) => setDatasetId(e.target.value)}
      >
        {ready.map((d) => (
          <option key={d.id} value={d.id}>
            {d.name} ({d.imageCount} images)
          </option>
        ))}
      </select>
      <select
        className="input"
        aria-label="Checkpoint to embed with"
        value={checkpointStep}
        onChange={(e) => setStep(Number(e.target.value))}
      >
        {checkpointSteps.map((s) => (
          <option key={s} value={s}>
            step {s}
            {s === latest ? ' (latest)' : ''}
          </option>
        ))}
      </select>
      <ComputedExport
        label="Embeddings format"
        choices={{
          csv: { label: 'Embeddings CSV', request: request('csv') },
          npy: { label: 'Embeddings .npy', request: request('npy') },
        }}
      />
    </div>
  );
}
