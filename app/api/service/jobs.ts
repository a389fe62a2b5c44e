import { LabApiError, type JobInfo } from '../contract/index.js';
import type { LabEventBus } from './event-bus.js';

// Long work that is not a training run (import, generation, evaluation): one registry per service,
// cancellable through an AbortSignal, reporting progress as `job.progress` / `job.finished` events.

export interface JobContext {
  signal: AbortSignal;
  /** Report progress; events are throttled to ~10 per second per job. */
  progress(phase: string, done: number, total: number | null): void;
}

export type JobWork = (context: JobContext) => Promise<NonNullable<JobInfo['result']>>;

interface JobEntry {
  info: JobInfo;
  controller: AbortController;
  lastEmit: number;
  done: Promise<void>;
}

const progressIntervalMs = 100;

export class JobRegistry {
  private readonly jobs = new Map<string, JobEntry>();
  private counter = 0;

  constructor(private readonly bus: LabEventBus) {}

  start(kind: JobInfo['kind'], work: JobWork): JobInfo {
    this.counter += 1;
    const id = `job-${Date.now().toString(36)}-${this.counter}`;
    const controller = new AbortController();
    const info: JobInfo = {
      id,
      kind,
      status: 'running',
      phase: 'starting',
      done: 0,
      total: null,
      result: null,
      error: null,
    };
    const entry: JobEntry = { info, controller, lastEmit: 0, done: Promise.resolve() };
    this.jobs.set(id, entry);
    const context: JobContext = {
      signal: controller.signal,
      progress: (phase, done, total) => {
        if (entry.info.status !== 'running') return;
        entry.info = { ...entry.info, phase, done, total };
        const now = Date.now();
        if (now - entry.lastEmit >= progressIntervalMs || (total !== null && done >= total)) {
          entry.lastEmit = now;
          this.bus.emit('job.progress', entry.info);
        }
      },
    };
    // Started on the next tick so the caller gets the job id before any event.
    entry.done = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => work(context))
      .then(
        (result) => this.finish(entry, controller.signal.aborted ? 'cancelled' : 'completed', result, null),
        (error: unknown) =>
          this.finish(
            entry,
            controller.signal.aborted ? 'cancelled' : 'failed',
            null,
            controller.signal.aborted
              ? 'cancelled by the user'
              : error instanceof Error
                ? error.message
                : String(error),
          ),
      );
    return info;
  }

  private finish(entry: JobEntry, status: JobInfo['status'], result: JobInfo['result'], error: string | null): void {
    entry.info = { ...entry.info, status, result, error, phase: status };
    this.bus.emit('job.finished', entry.info);
  }

  get(id: string): JobInfo {
    const entry = this.jobs.get(id);
    if (!entry) throw new LabApiError('not_found', `No job with id "${id}" in this session.`);
    return entry.info;
  }

  list(): JobInfo[] {
    const all = [...this.jobs.values()].map((entry) => entry.info);
    return [...all.filter((j) => j.status === 'running'), ...all.filter((j) => j.status !== 'running').reverse()];
  }

  cancel(id: string): JobInfo {
    const entry = this.jobs.get(id);
    if (!entry) throw new LabApiError('not_found', `No job with id "${id}" in this session.`);
    if (entry.info.status === 'running') entry.controller.abort();
    return entry.info;
  }

  /** Resolves when the job has ended (tests and shutdown). */
  async settled(id: string): Promise<JobInfo> {
    const entry = this.jobs.get(id);
    if (!entry) throw new LabApiError('not_found', `No job with id "${id}" in this session.`);
    await entry.done;
    return entry.info;
  }

  async cancelAll(): Promise<void> {
    for (const entry of this.jobs.values()) if (entry.info.status === 'running') entry.controller.abort();
    await Promise.all([...this.jobs.values()].map((entry) => entry.done));
  }
}
