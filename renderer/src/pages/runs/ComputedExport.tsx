import { useEffect, useRef, useState } from 'react';
import { lab, type ComputedExportRequest } from '../../api/index.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { JobProgress } from '../../components/JobProgress.js';
import { downloadComputedExport } from '../../lib/download.js';
import { useJob, useJobs } from '../../state/jobs.js';

// Exports of an evaluation that need the model again (its per-pair scores, the embeddings it
// scored): the lab computes them as a job (exports.compute, in the evaluation process), this shows
// its progress and saves the files when it is done.

const choices = {
  scores: { label: 'Scores CSV', request: (evaluationId: string) => ({ kind: 'pair-scores-csv', evaluationId }) },
  'embeddings-csv': {
    label: 'Embeddings CSV',
    request: (evaluationId: string) => ({ kind: 'evaluation-embeddings', evaluationId, format: 'csv' }),
  },
  'embeddings-npy': {
    label: 'Embeddings .npy',
    request: (evaluationId: string) => ({ kind: 'evaluation-embeddings', evaluationId, format: 'npy' }),
  },
} satisfies Record<string, { label: string; request: (evaluationId: string) => ComputedExportRequest }>;
type Choice = keyof typeof choices;

export function ComputedExport({ evaluationId }: { evaluationId: string }) {
  const [choice, setChoice] = useState<Choice>('scores');
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
      const started = await lab.call('exports.compute', choices[choice].request(evaluationId));
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
        aria-label="Computed export"
        value={choice}
        disabled={running}
        onChange={(e) => setChoice(e.target.value as Choice)}
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
