import { useEffect, useRef, useState } from 'react';
import { lab } from '../api/index.js';
import { mergePoints, type LivePoint } from '../lib/metric-series.js';
import { useLabEvent } from './use-lab-event.js';

// A run's metric series: backfilled from `runs.metrics`, extended live by `run.progress` events,
// and re-polled while the run is live so nothing an event dropped stays missing.

export function useRunMetrics(runId: string | null, live: boolean): { points: LivePoint[]; error: unknown } {
  const [points, setPoints] = useState<LivePoint[]>([]);
  const [error, setError] = useState<unknown>();
  const polledStep = useRef(-1);
  const generation = useRef(0);
  const inFlight = useRef(false);

  const poll = (id: string) => {
    if (inFlight.current) return;
    inFlight.current = true;
    const mine = generation.current;
    lab
      .call('runs.metrics', { runId: id, sinceStep: polledStep.current, limit: 100_000 })
      .then(
        (result) => {
          if (mine !== generation.current) return;
          polledStep.current = Math.max(polledStep.current, result.lastStep);
          setPoints((current) => mergePoints(current, result.points));
          setError(undefined);
        },
        (failure: unknown) => {
          if (mine === generation.current) setError(failure);
        },
      )
      .finally(() => {
        inFlight.current = false;
      });
  };

  useEffect(() => {
    generation.current += 1;
    polledStep.current = -1;
    inFlight.current = false;
    setPoints([]);
    setError(undefined);
    if (runId) poll(runId);
  }, [runId]);

  useEffect(() => {
    if (!runId) return undefined;
    // one more poll when the run stops: the last steps may have come only as events, without their time
    if (!live) {
      poll(runId);
      return undefined;
    }
    const timer = setInterval(() => poll(runId), 2000);
    return () => clearInterval(timer);
  }, [runId, live]);

  useLabEvent('run.progress', (event) => {
    if (event.runId !== runId) return;
    setPoints((current) =>
      mergePoints(current, [
        {
          step: event.step,
          time: null,
          lr: event.lr,
          imagesPerSecond: event.imagesPerSecond,
          terms: event.terms,
          extras: event.extras ?? {},
        },
      ]),
    );
  });

  return { points, error };
}
