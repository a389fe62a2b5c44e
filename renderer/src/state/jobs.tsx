import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { lab, type JobInfo } from '../api/index.js';
import { useLabEvent } from '../hooks/use-lab-event.js';
import { useRefresh } from './refresh.js';

// Long work (imports, SynthFaces generation, evaluations) of this session: progress from
// `job.*` events, with a slow poll as a safety net in case an event is missed (socket reconnect).

interface JobsState {
  jobs: Record<string, JobInfo>;
  /** Start following a job the page just started. */
  track: (jobId: string) => void;
  cancel: (jobId: string) => Promise<void>;
}

const JobsContext = createContext<JobsState>({ jobs: {}, track: () => undefined, cancel: async () => undefined });

export function JobsProvider({ children }: { children: ReactNode }) {
  const [jobs, setJobs] = useState<Record<string, JobInfo>>({});
  const { invalidate } = useRefresh();
  const finishedSeen = useRef(new Set<string>());

  const update = useCallback(
    (job: JobInfo) => {
      setJobs((current) => {
        const known = current[job.id];
        // a late progress event never turns a finished job back into a running one
        if (known && known.status !== 'running' && job.status === 'running') return current;
        return { ...current, [job.id]: job };
      });
      if (job.status !== 'running' && !finishedSeen.current.has(job.id)) {
        finishedSeen.current.add(job.id);
        if (job.kind === 'evaluation') invalidate('evaluations', 'runs');
        else if (job.kind !== 'export') invalidate('datasets', 'splits');
      }
    },
    [invalidate],
  );

  useLabEvent('job.progress', update);
  useLabEvent('job.finished', update);

  useEffect(() => {
    lab.call('jobs.list', {}).then(
      ({ jobs: list }) => list.forEach(update),
      () => undefined,
    );
  }, [update]);

  const running = Object.values(jobs)
    .filter((job) => job.status === 'running')
    .map((job) => job.id)
    .join(',');
  useEffect(() => {
    if (!running) return undefined;
    const timer = setInterval(() => {
      for (const jobId of running.split(',')) lab.call('jobs.get', { jobId }).then(update, () => undefined);
    }, 1500);
    return () => clearInterval(timer);
  }, [running, update]);

  const track = useCallback(
    (jobId: string) => {
      lab.call('jobs.get', { jobId }).then(update, () => undefined);
    },
    [update],
  );

  const cancel = useCallback(
    async (jobId: string) => {
      update(await lab.call('jobs.cancel', { jobId }));
    },
    [update],
  );

  const value = useMemo(() => ({ jobs, track, cancel }), [jobs, track, cancel]);
  return <JobsContext.Provider value={value}>{children}</JobsContext.Provider>;
}

export function useJobs(): JobsState {
  return useContext(JobsContext);
}

/** One job's latest state (undefined until the first answer). */
export function useJob(jobId: string | null | undefined): JobInfo | undefined {
  return useContext(JobsContext).jobs[jobId ?? ''];
}
