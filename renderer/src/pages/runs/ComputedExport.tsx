import { useEffect, useRef, useState } from 'react';
import { lab, type ComputedExportRequest } from '../../api/index.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { JobProgress } from '../../components/JobProgress.js';
import { downloadComputedExport } from '../../lib/download.js';
import { useJob, useJobs } from '../../state/jobs.js';

// Exports that need the model again (an evaluation's per-pair scores, the embeddings it scored, a
// run's embeddings of any dataset): the lab computes them as a job (exports.compute, in the
// evaluation process), this shows its progress and saves the files when it is done.

/** One entry of the export menu: its label and the request it sends. */
export interface ComputedExportChoice {
  label: string;
  request: ComputedExportRequest;
}

/** An evaluation's computed exports: its per-pair scores and the embeddings it scored. */
export function evaluationExports(evaluationId: string): Record<string, ComputedExportChoice> {
  return {
    scores: { label: 'Scores CSV', request: { kind: 'pair-scores-csv', evaluationId } },
    'embeddings-csv': {
      label: 'Embeddings CSV',
      request: { kind: 'evaluation-embeddings', evaluationId, format: 'csv' },
    },
    'embeddings-npy': {
      label: 'Embeddings .npy',
      request: { kind: 'evaluation-embeddings', evaluationId, format: 'npy' },
    },
  };
}

export function ComputedExport({
  choices,
  label = 'Computed export',
}: {
  /** The menu, first entry selected; keys stay the same when a request's details change. */
  choices: Record<string, ComputedExportChoice>;
  label?: string;
}) {
  const [choice, setChoice] = useState(Object.keys(choices)[0]!);
  const [jobId, setJobId] = useState<string>();
  const [saved, setSaved] = useState<string[]>([]);
  const [error, setError] = useState<unknown>();
  const { track } = useJobs();
  const job = useJob(jobId);
  const fetched = useRef<string | undefined>(undefined);

  useEffect(() => {
    const exportId = job?.status === 'completed' ? job.result?.exportId : undefined;
    if (!exportId || fetched.current === exportId) return;
    fetched.current = exportId;
    downloadComputedExport(exportId).then(setSaved, setError);
  }, [job]);

  const start = async () => {
    setError(undefined);
    setSaved([]);
    try {
      const started = await lab.call('exports.compute', choices[choice]!.request);
      setJobId(started.jobId);
      track(started.jobId);
    } catch (failure) {
      setError(failure);
    }
  };

  const running = jobId !== undefined && (!job || job.status === 'running');
  return (
    <div className="computed-export">
      <select
        className="input"
        aria-label={label}
        value={choice}
        disabled={running}
        onChange={(e) => setChoice(e.target.value)}
      >
        {Object.entries(choices).map(([value, { label }]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="button button-small"
        disabled={running}
        title="Computed again from the checkpoint (scores and embeddings are not stored)"
        onClick={() => void start()}
      >
        Compute &amp; download
      </button>
      {jobId && job?.status !== 'completed' ? <JobProgress jobId={jobId} label="Exporting" /> : null}
      {saved.length > 0 ? (
        <span className="muted small" role="status">
          saved {saved.join(', ')}
        </span>
      ) : null}
      <ErrorMessage error={error} compact />
    </div>
  );
}
