import { AttributeHistogramChart } from '../../charts/AttributeHistogramChart.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { useLabQuery } from '../../hooks/use-lab-query.js';

/** Small multiples: one histogram per attribute (ground truth and measured). */
export function AttributesTab({ datasetId }: { datasetId: string }) {
  const query = useLabQuery('datasets.histograms', { datasetId, bins: 24 }, { tags: ['datasets'] });
  return (
    <div className="tab-body">
      <ErrorMessage error={query.error} />
      {query.data ? (
        query.data.histograms.length === 0 ? (
          <p className="muted">This dataset has no attributes.</p>
        ) : (
          <div className="chart-grid chart-grid-3">
            {query.data.histograms.map((histogram) => (
              <AttributeHistogramChart key={histogram.attribute} histogram={histogram} />
            ))}
          </div>
        )
      ) : query.loading ? (
        <p className="muted">Computing histograms…</p>
      ) : null}
    </div>
  );
}
