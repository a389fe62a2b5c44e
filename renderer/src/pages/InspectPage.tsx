import { useCallback, useMemo, useState } from 'react';
import { lab, type EvaluationSummary, type FailurePair } from '../api/index.js';
import { useNavigation } from '../state/navigation.js';
import { EmptyState } from '../components/EmptyState.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { ImageDetails } from '../components/ImageDetails.js';
import { PageHeader } from '../components/PageHeader.js';
import { PagedGrid } from '../components/PagedGrid.js';
import { useDebouncedValue } from '../hooks/use-debounced-value.js';
import { useLabQuery } from '../hooks/use-lab-query.js';
import { formatCount, formatNumber, formatPercent, formatTimestamp } from '../lib/format.js';
import { draftToFilters, groupDraft } from '../lib/rule-builder.js';
import { FailureCard } from './inspect/FailureCard.js';
import { FailureFilters, type FilterState } from './inspect/FailureFilters.js';

const preferredAttributes = ['yaw', 'abs_yaw', 'resolution', 'light', 'pitch', 'sharpness', 'brightness'];

/** Inspect: the failure gallery of an evaluation, worst first, filtered like FiftyOne. */
export function InspectPage({ evaluationId }: { evaluationId?: string }) {
  const { navigate } = useNavigation();
  const evaluations = useLabQuery('evaluations.list', {}, { tags: ['evaluations'] });
  const runs = useLabQuery('runs.list', {}, { tags: ['runs'] });
  const completed = useMemo(
    () =>
      (evaluations.data?.evaluations ?? [])
        .filter((e) => e.status === 'completed')
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
    [evaluations.data],
  );
  const runName = (runId: string) => runs.data?.runs.find((r) => r.id === runId)?.name ?? `run ${runId}`;
  const chosen = evaluationId ?? completed[0]?.id;
  const label = (e: EvaluationSummary) =>
    `${runName(e.runId)} · ${formatTimestamp(e.createdAt)} · accuracy ${formatPercent(e.accuracy, 1)}`;

  return (
    <div className="page page-inspect">
      <PageHeader
        title="Inspect"
        subtitle="The pairs the model gets wrong at its operating threshold, worst first: genuine pairs scored too low and impostors scored too high."
        actions={
          completed.length > 0 ? (
            <>
              <label className="inline-label" htmlFor="evaluation-select">
                Evaluation
              </label>
              <select
                id="evaluation-select"
                className="input input-compact"
                value={chosen ?? ''}
                onChange={(e) => navigate('inspect', { evaluation: e.target.value })}
              >
                {completed.map((e) => (
                  <option key={e.id} value={e.id}>
                    {label(e)}
                  </option>
                ))}
              </select>
            </>
          ) : null
        }
      />
      <ErrorMessage error={evaluations.error} />
      {evaluations.data && completed.length === 0 ? (
        <EmptyState
          title="No evaluations yet"
          actions={
            <button type="button" className="button button-primary" onClick={() => navigate('runs')}>
              Go to Runs
            </button>
          }
        >
          <p>Evaluate a trained run on the Runs page; its mistakes appear here, worst first.</p>
        </EmptyState>
      ) : chosen ? (
        <FailureGallery key={chosen} evaluationId={chosen} />
      ) : null}
    </div>
  );
}

function FailureGallery({ evaluationId }: { evaluationId: string }) {
  const detail = useLabQuery('evaluations.get', { evaluationId });
  const datasetId = detail.data?.datasetId ?? null;
  const dataset = useLabQuery('datasets.get', datasetId ? { datasetId } : null);
  const attributes = useMemo(() => dataset.data?.attributes ?? [], [dataset.data]);
  const [filters, setFilters] = useState<FilterState>(() => ({
    kind: 'all',
    pairType: '',
    attributes: groupDraft('and', []),
  }));
  const [open, setOpen] = useState<{ datasetId: string; imageId: string } | null>(null);

  const { filters: attributeFilters, errors } = useMemo(
    () => draftToFilters(filters.attributes, attributes),
    [filters.attributes, attributes],
  );
  const request = useMemo(
    () =>
      attributeFilters
        ? { kind: filters.kind, pairType: filters.pairType || undefined, filters: attributeFilters }
        : null,
    [filters.kind, filters.pairType, attributeFilters],
  );
  const requestKey = useDebouncedValue(request ? JSON.stringify(request) : null, 250);
  const fetchPage = useCallback(
    (offset: number, limit: number) => {
      const parsed = JSON.parse(requestKey ?? '{}') as {
        kind: FilterState['kind'];
        pairType?: FilterState['pairType'];
        filters: [];
      };
      return lab.call('evaluations.failures', {
        evaluationId,
        offset,
        limit,
        kind: parsed.kind,
        filters: parsed.filters,
        ...(parsed.pairType ? { pairType: parsed.pairType } : {}),
      });
    },
    [evaluationId, requestKey],
  );

  const shownAttributes = useMemo(() => {
    const used = filters.attributes.items.flatMap((item) =>
      item.kind === 'condition' && item.attribute ? [item.attribute] : [],
    );
    const names = attributes.map((a) => a.name);
    return [...new Set([...used, ...preferredAttributes.filter((n) => names.includes(n)), ...names])].slice(0, 4);
  }, [filters.attributes, attributes]);
  const close = useCallback(() => setOpen(null), []);
  const evaluation = detail.data;

  return (
    <div className="inspect-layout">
      <FailureFilters state={filters} onChange={setFilters} attributes={attributes} errors={errors} />
      <div className="inspect-main">
        <ErrorMessage error={detail.error} />
        <PagedGrid<FailurePair>
          listKey={requestKey ? `${evaluationId}|${requestKey}` : null}
          pageSize={60}
          fetchPage={fetchPage}
          header={(total) =>
            evaluation ? (
              <dl className="stat-row inspect-facts">
                <div className="stat">
                  <dt>Threshold</dt>
                  <dd>{formatNumber(evaluation.threshold, 4)}</dd>
                </div>
                <div className="stat">
                  <dt>Accuracy</dt>
                  <dd>{formatPercent(evaluation.overall.accuracy, 2)}</dd>
                </div>
                <div className="stat">
                  <dt>Pairs</dt>
                  <dd>{formatCount(evaluation.overall.pairs)}</dd>
                </div>
                {(['easy-easy', 'easy-hard', 'hard-hard'] as const).map((type) =>
                  evaluation.byType[type] ? (
                    <div key={type} className="stat">
                      <dt>{type} accuracy</dt>
                      <dd>{formatPercent(evaluation.byType[type]?.accuracy, 1)}</dd>
                    </div>
                  ) : null,
                )}
                <div className="stat stat-key">
                  <dt>Mistakes shown</dt>
                  <dd data-testid="failure-count">{total === undefined ? '…' : formatCount(total)}</dd>
                </div>
              </dl>
            ) : null
          }
          empty={
            <p className="muted">
              No mistakes match these filters
              {filters.kind !== 'all' || filters.pairType || (attributeFilters?.length ?? 0) > 0
                ? ': loosen them to see more'
                : ' at this threshold'}
              .
            </p>
          }
          label="Failure gallery"
          className="failure-grid"
          cellWidth={400}
          cellHeight={258}
          gap={10}
          stretch
          renderItem={(pair, index) => (
            <FailureCard
              pair={pair}
              rank={index + 1}
              shownAttributes={shownAttributes}
              onOpen={(image) => setOpen({ datasetId: image.datasetId, imageId: image.imageId })}
            />
          )}
          renderPlaceholder={() => <div className="failure-card failure-placeholder" aria-hidden="true" />}
        />
      </div>
      {open ? (
        <ImageDetails datasetId={open.datasetId} imageId={open.imageId} attributes={attributes} onClose={close} />
      ) : null}
    </div>
  );
}
