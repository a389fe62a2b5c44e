import { useState } from 'react';
import type { SimilarityHistograms } from '../api/index.js';
import { SimilarityHistogramChart } from '../charts/SimilarityHistogramChart.js';
import { formatNumber } from '../lib/format.js';
import { expectationMargins, histogramPanels, type HistogramGrouping } from '../lib/similarity.js';

/** The four DDL distributions as two panels (grouped by polarity or by branch) and the teacher/student margins. */
export function DistributionPanels({
  histograms,
  idPrefix,
  height,
}: {
  histograms: SimilarityHistograms;
  idPrefix: string;
  height?: number;
}) {
  const [grouping, setGrouping] = useState<HistogramGrouping>('polarity');
  const panels = histogramPanels(histograms, grouping);
  const margins = expectationMargins(histograms);
  return (
    <div className="distribution-panels">
      <div className="toolbar">
        <fieldset className="segmented">
          <legend className="sr-only">Group the distributions</legend>
          {(['polarity', 'branch'] as const).map((value) => (
            <label key={value} className={`segmented-option${grouping === value ? ' segmented-selected' : ''}`}>
              <input
                type="radio"
                name={`${idPrefix}-grouping`}
                value={value}
                checked={grouping === value}
                onChange={() => setGrouping(value)}
              />
              {value === 'polarity' ? 'teacher vs student' : 'genuine vs impostor'}
            </label>
          ))}
        </fieldset>
        <span className="toolbar-spacer" />
        <span className="toolbar-text" title="E[S+] − E[S−]: the paper's Fig. 1 margin">
          margin E[S⁺] − E[S⁻]: teacher <strong>{formatNumber(margins.teacher, 3)}</strong> · student{' '}
          <strong>{formatNumber(margins.student, 3)}</strong>
        </span>
      </div>
      <div className="chart-grid chart-grid-2">
        {panels.map((panel) => (
          <SimilarityHistogramChart key={panel.title} panel={panel} rows={histograms.rows} height={height} />
        ))}
      </div>
    </div>
  );
}
