import { useState } from 'react';
import { useJob, useJobs } from '../state/jobs.js';
import { formatCount } from '../lib/format.js';
import { ErrorMessage } from './ErrorMessage.js';
import { ProgressBar } from './ProgressBar.js';

/** A job's phase, progress and a Cancel button; its error or end state when it is over. */
export function JobProgress({ jobId, label }: { jobId: string; label: string }) {
  const job = useJob(jobId);
  const { cancel } = useJobs();
  const [cancelError, setCancelError] = useState<unknown>();
  const [cancelling, setCancelling] = useState(false);
  if (!job)
    return (
      <div className="job">
        <ProgressBar value={null} label={label} />
        <span className="muted">Starting…</span>
      </div>
    );
  const fraction = job.total ? job.done / job.total : null;
  return (
    <div className="job" aria-live="polite">
      <div className="job-line">
        <span className="job-label">{label}</span>
        <span className="job-phase">
          {job.status === 'running' ? job.phase : job.status}
          {job.total
            ? ` · ${formatCount(job.done)} / ${formatCount(job.total)}`
            : job.done
              ? ` · ${formatCount(job.done)}`
              : ''}
        </span>
        {job.status === 'running' ? (
          <button
            type="button"
            className="button button-small"
            disabled={cancelling}
            onClick={() => {
              setCancelling(true);
              cancel(job.id)
                .catch(setCancelError)
                .finally(() => setCancelling(false));
            }}
          >
            {cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        ) : null}
      </div>
      {job.status === 'running' ? <ProgressBar value={fraction} label={`${label}: ${job.phase}`} /> : null}
      {job.status === 'failed' ? <ErrorMessage error={job.error ?? 'The job failed.'} compact /> : null}
      {job.status === 'cancelled' ? <div className="muted">Cancelled.</div> : null}
      <ErrorMessage error={cancelError} compact />
    </div>
  );
}
