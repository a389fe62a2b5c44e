import { useEffect, useRef, useState } from 'react';
import { lab, type RunHistograms } from '../api/index.js';
import { useLabEvent } from './use-lab-event.js';

// The four similarity histograms of a run at one step: the latest (following new ones as they
// arrive) until the user moves the step slider back, then exactly the step they chose.

export interface RunHistogramsState {
  histograms: RunHistograms | undefined;
  availableSteps: number[];
  /** null: follow the latest recorded step. */
  pinnedStep: number | null;
  pinStep: (step: number | null) => void;
  /** Fetch the latest again (a safety net while a run is live, in case an event was missed). */
  refreshLatest: () => void;
  error: unknown;
}

export function useRunHistograms(runId: string | null): RunHistogramsState {
  const [histograms, setHistograms] = useState<RunHistograms>();
  const [availableSteps, setAvailableSteps] = useState<number[]>([]);
  const [pinnedStep, setPinnedStep] = useState<number | null>(null);
  const [error, setError] = useState<unknown>();
  const generation = useRef(0);

  useEffect(() => {
    generation.current += 1;
    const mine = generation.current;
    setHistograms(undefined);
    setAvailableSteps([]);
    setPinnedStep(null);
    setError(undefined);
    if (!runId) return;
    lab.call('runs.histograms', { runId }).then(
      (result) => {
        if (mine !== generation.current) return;
        setHistograms(result);
        setAvailableSteps(result.availableSteps);
      },
      (failure: unknown) => {
        if (mine === generation.current) setError(failure);
      },
    );
  }, [runId]);

  useLabEvent('run.histograms', (event) => {
    if (event.runId !== runId) return;
    setAvailableSteps((steps) =>
      [...new Set([...steps, ...event.availableSteps, ...(event.step === null ? [] : [event.step])])].sort(
        (a, b) => a - b,
      ),
    );
    if (pinnedStep === null) setHistograms(event);
  });

  const pinStep = (step: number | null) => {
    setPinnedStep(step);
    if (!runId) return;
    const mine = generation.current;
    lab.call('runs.histograms', step === null ? { runId } : { runId, step }).then(
      (result) => {
        if (mine !== generation.current) return;
        setHistograms(result);
        setAvailableSteps((steps) => [...new Set([...steps, ...result.availableSteps])].sort((a, b) => a - b));
      },
      (failure: unknown) => {
        if (mine === generation.current) setError(failure);
      },
    );
  };

  const refreshLatest = () => {
    if (pinnedStep === null) pinStep(null);
  };

  return { histograms, availableSteps, pinnedStep, pinStep, refreshLatest, error };
}
