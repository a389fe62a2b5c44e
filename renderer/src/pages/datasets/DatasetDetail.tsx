import { useState } from 'react';
import { lab, type DatasetDetail as Detail } from '../../api/index.js';
import { useRefresh } from '../../state/refresh.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Tabs, tabPanelProps } from '../../components/Tabs.js';
import { useLabQuery } from '../../hooks/use-lab-query.js';
import { formatCount, formatTimestamp } from '../../lib/format.js';
import { AttributesTab } from './AttributesTab.js';
import { BadFilesTab } from './BadFilesTab.js';
import { IdentitiesTab } from './IdentitiesTab.js';
import { ImagesTab } from './ImagesTab.js';

type TabId = 'images' | 'identities' | 'attributes' | 'bad';

/** One dataset: its facts, then images, identities, attribute histograms and bad files as tabs. */
export function DatasetDetail({ datasetId }: { datasetId: string }) {
  const query = useLabQuery('datasets.get', { datasetId }, { tags: ['datasets'] });
  const [tab, setTab] = useState<TabId>('images');
  const [identity, setIdentity] = useState<string | null>(null);
  const dataset = query.data;
  if (!dataset) return query.error ? <ErrorMessage error={query.error} /> : <p className="muted">Loading dataset…</p>;
  const tabs = [
    { id: 'images', label: 'Images' },
    { id: 'identities', label: `Identities (${formatCount(dataset.identityCount)})` },
    { id: 'attributes', label: 'Attributes' },
    { id: 'bad', label: `Bad files (${formatCount(dataset.badFileCount)})` },
  ];
  return (
    <section className="dataset-detail" aria-label={`Dataset ${dataset.name}`}>
      <DatasetFacts dataset={dataset} />
      {dataset.status === 'failed' ? (
        <ErrorMessage error={dataset.error ?? 'Nothing in this folder could be imported: see the bad files.'} />
      ) : null}
      {dataset.status === 'importing' ? (
        <div className="notice notice-info" role="status">
          <span className="notice-text">Still importing: the counts grow as files are read.</span>
        </div>
      ) : null}
      <Tabs
        tabs={tabs}
        selected={tab}
        onSelect={(id) => setTab(id as TabId)}
        label="Dataset views"
        idPrefix="dataset"
      />
      <div {...tabPanelProps('dataset', tab)} className="tab-panel">
        {tab === 'images' ? (
          <ImagesTab
            datasetId={datasetId}
            identity={identity}
            onClearIdentity={() => setIdentity(null)}
            attributes={dataset.attributes}
          />
        ) : null}
        {tab === 'identities' ? (
          <IdentitiesTab
            datasetId={datasetId}
            onPick={(picked) => {
              setIdentity(picked);
              setTab('images');
            }}
          />
        ) : null}
        {tab === 'attributes' ? <AttributesTab datasetId={datasetId} /> : null}
        {tab === 'bad' ? <BadFilesTab datasetId={datasetId} reasons={dataset.badFileReasons} /> : null}
      </div>
    </section>
  );
}

function DatasetFacts({ dataset }: { dataset: Detail }) {
  const { invalidate } = useRefresh();
  const [confirming, setConfirming] = useState(false);
  const [withRuns, setWithRuns] = useState(false);
  const [error, setError] = useState<unknown>();
  const remove = async () => {
    try {
      await lab.call('datasets.remove', { datasetId: dataset.id, withRuns });
      invalidate('datasets', 'splits', 'runs');
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <div className="facts-bar">
      <div className="facts-main">
        <h2 className="section-title">
          {dataset.name} <span className="badge badge-neutral">{dataset.kind}</span>
        </h2>
        <div className="muted path" title={dataset.root}>
          {dataset.root} · added {formatTimestamp(dataset.createdAt)}
        </div>
      </div>
      <dl className="stat-row">
        <div className="stat">
          <dt>Images</dt>
          <dd>{formatCount(dataset.imageCount)}</dd>
        </div>
        <div className="stat">
          <dt>Identities</dt>
          <dd>{formatCount(dataset.identityCount)}</dd>
        </div>
        <div className="stat">
          <dt>Bad files</dt>
          <dd>{formatCount(dataset.badFileCount)}</dd>
        </div>
        <div className="stat">
          <dt>Pair lists</dt>
          <dd
            title={dataset.pairLists
              .map((p) => `${p.name}: ${p.genuineCount} genuine, ${p.impostorCount} impostor`)
              .join('\n')}
          >
            {dataset.pairLists.length === 0
              ? 'none'
              : dataset.pairLists.map((p) => `${formatCount(p.pairCount)} pairs`).join(', ')}
          </dd>
        </div>
      </dl>
      <div className="facts-actions">
        {confirming ? (
          <>
            <span className="muted">Forget this dataset? Files on disk stay.</span>
            <label className="muted">
              <input type="checkbox" checked={withRuns} onChange={(e) => setWithRuns(e.target.checked)} /> also its
              runs, evaluations and checkpoints
            </label>
            <button type="button" className="button button-danger button-small" onClick={remove}>
              Remove
            </button>
            <button type="button" className="button button-small" onClick={() => setConfirming(false)}>
              Keep
            </button>
          </>
        ) : (
          <button type="button" className="button button-small" onClick={() => setConfirming(true)}>
            Remove…
          </button>
        )}
      </div>
      <ErrorMessage error={error} compact />
    </div>
  );
}
