// Runs an async task over items with at most `concurrency` in flight and yields the results in
// input order. At most `concurrency` results are ever held, so memory stays bounded however many
// items there are; `stats` counts it so a test can prove it.

export interface PoolStats {
  /** Most tasks running at once. */
  maxInFlight: number;
  /** Most finished results waiting for the consumer (the reorder window). */
  maxHeld: number;
  started: number;
}

export function newPoolStats(): PoolStats {
  return { maxInFlight: 0, maxHeld: 0, started: 0 };
}

export async function* mapOrdered<T, R>(
  items: Iterable<T>,
  concurrency: number,
  task: (item: T, index: number) => Promise<R>,
  options: { signal?: AbortSignal; stats?: PoolStats } = {},
): AsyncGenerator<R> {
  const stats = options.stats ?? newPoolStats();
  const iterator = items[Symbol.iterator]();
  const window: Array<{ promise: Promise<R>; done: boolean }> = [];
  let inFlight = 0;
  let index = 0;
  let exhausted = false;

  const startNext = (): void => {
    if (exhausted || options.signal?.aborted) return;
    const next = iterator.next();
    if (next.done) {
      exhausted = true;
      return;
    }
    const slot = { promise: undefined as unknown as Promise<R>, done: false };
    inFlight++;
    stats.started++;
    stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
    slot.promise = task(next.value, index++).finally(() => {
      inFlight--;
      slot.done = true;
      stats.maxHeld = Math.max(stats.maxHeld, window.filter((s) => s.done).length);
    });
    window.push(slot);
  };

  try {
    while (window.length < concurrency) {
      const before = window.length;
      startNext();
      if (window.length === before) break;
    }
    while (window.length > 0) {
      const head = window[0]!;
      const result = await head.promise;
      window.shift();
      startNext();
      yield result;
    }
    options.signal?.throwIfAborted();
  } finally {
    // Abandoned or aborted: let running tasks finish before returning, so nothing writes behind us.
    await Promise.allSettled(window.map((s) => s.promise));
  }
}
