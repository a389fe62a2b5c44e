import { useEffect, useRef } from 'react';
import { DistributionPanels } from '../../components/DistributionPanels.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { useRunHistograms } from '../../hooks/use-run-histograms.js';

/** The teacher/student genuine/impostor histograms at the latest step (live) or a step picked on the slider. */
export function RunHistogramsView({ runId, live }: { runId: string; live: boolean }) {
  const state = useRunHistograms(runId);
  const { histograms, availableSteps, pinnedStep, pinStep, refreshLatest, error } = state;

  const refreshRef = useRef(refreshLatest);
  refreshRef.current = refreshLatest;
  useEffect(() => {
    if (!live) return undefined;
    const timer = setInterval(() => refreshRef.current(), 5000);
    return () => clearInterval(timer);
  }, [live]);

  const stepIndex = pinnedStep === null ? availableSteps.length - 1 : Math.max(0, availableSteps.indexOf(pinnedStep));
  const shownStep = histograms?.step ?? null;
  return (
    <section className="run-histograms" aria-label="Similarity distributions">
      <div className="toolbar">
        <h3 className="section-title">Similarity distributions</h3>
        <span className="muted">{shownStep === null ? '' : `step ${shownStep}`}</span>
        <span className="toolbar-spacer" />
        {availableSteps.length > 1 ? (
          <>
            <label className="inline-label" htmlFor="histogram-step">
              Step
            </label>
            <input
              id="histogram-step"
              type="range"
              min={0}
              max={availableSteps.length - 1}
              step={1}
              value={stepIndex}
              aria-valuetext={`step ${availableSteps[stepIndex] ?? ''}`}
              onChange={(e) => {
                const index = Number(e.target.value);
                pinStep(index === availableSteps.length - 1 ? null : (availableSteps[index] ?? null));
              }}
            />
            <output htmlFor="histogram-step" className="slider-value">
              {availableSteps[stepIndex] ?? ''}
            </output>
          </>
        ) : null}
        <label className="checkbox">
          <input
            type="checkbox"
            checked={pinnedStep === null}
            onChange={(e) => pinStep(e.target.checked ? null : (histograms?.step ?? null))}
          />{' '}
          follow latest
        </label>
      </div>
      <ErrorMessage error={error} />
      {histograms && histograms.step !== null ? (
        <DistributionPanels histograms={histograms} idPrefix={`run-${runId}`} height={210} />
      ) : !error ? (
        <p className="muted chart-empty-inline">The first histograms appear after “histograms every” steps.</p>
      ) : null}
    </section>
  );
}
