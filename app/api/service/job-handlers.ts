import type { HandlersOf, ServiceContext } from './context.js';

// jobs.*: cancel and look at long work of this session.
export function jobHandlers({ jobs }: ServiceContext): HandlersOf<'jobs'> {
  return {
    'jobs.cancel': async ({ jobId }) => jobs.cancel(jobId),
    'jobs.get': async ({ jobId }) => jobs.get(jobId),
    'jobs.list': async () => ({ jobs: jobs.list() }),
  };
}
