import { availableParallelism } from 'node:os';

// The experiment's run queue: at most `limit` run processes at a time, first come first served.
// How many fit comes from the cores and the backend: wasm/cpu runs share the cores (each gets
// cores / limit threads, as the demo's side-by-side fine-tunes); a native or GPU backend already
// uses the whole machine (or device) per run, so its runs go one after another.

export function experimentConcurrency(backend: string, cores = availableParallelism()): number {
  if (backend === 'wasm' || backend === 'cpu') return Math.max(1, Math.min(4, cores));
  return 1;
}

/** Environment of one run when `limit` run side by side: its share of the cores (LAB_THREADS set by the user wins). */
export function runShareEnv(limit: number, cores = availableParallelism()): Record<string, string> | undefined {
  return process.env.LAB_THREADS ? undefined : { LAB_THREADS: String(Math.max(1, Math.floor(cores / limit))) };
}

export class RunQueue {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`run queue limit must be a whole number >= 1, got ${limit}`);
  }

  /** Runs `job` once a slot is free; the slot is held until it settles. */
  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await job();
    } finally {
      const next = this.waiting.shift();
      if (next)
        next(); // the slot passes on: active stays the same
      else this.active--;
    }
  }

  get running(): number {
    return this.active;
  }
}
