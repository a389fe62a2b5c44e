import { useCallback, useState } from 'react';
import { lab, type IdentityItem } from '../../api/index.js';
import { PagedGrid } from '../../components/PagedGrid.js';
import { useDebouncedValue } from '../../hooks/use-debounced-value.js';
import { formatCount } from '../../lib/format.js';

/** Identities with their image counts, largest first; picking one shows its images. */
export function IdentitiesTab({ datasetId, onPick }: { datasetId: string; onPick: (identity: string) => void }) {
  const [search, setSearch] = useState('');
  const settled = useDebouncedValue(search.trim(), 250);
  const fetchPage = useCallback(
    (offset: number, limit: number) =>
      lab.call('datasets.identities', { datasetId, offset, limit, ...(settled ? { search: settled } : {}) }),
    [datasetId, settled],
  );
  return (
    <div className="tab-body">
      <PagedGrid<IdentityItem>
        listKey={`${datasetId}|${settled}`}
        pageSize={500}
        fetchPage={fetchPage}
        header={(total) => (
          <div className="toolbar">
            <label className="inline-label" htmlFor="identity-search">
              Search identities
            </label>
            <input
              id="identity-search"
              className="input input-compact"
              type="search"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
              placeholder="name contains…"
            />
            <span className="toolbar-text" aria-live="polite">
              {total === undefined ? 'Loading…' : `${formatCount(total)} identities`}
            </span>
          </div>
        )}
        label="Identities"
        className="identity-grid"
        cellWidth={210}
        cellHeight={32}
        gap={6}
        stretch
        renderItem={(item) => (
          <button
            type="button"
            className="identity-button"
            onClick={() => onPick(item.identity)}
            title={`Show the images of ${item.identity}`}
          >
            <span className="identity-name">{item.identity}</span>
            <span className="identity-count">
              {formatCount(item.imageCount)}
              <span className="sr-only"> images</span>
            </span>
          </button>
        )}
        renderPlaceholder={() => <div className="thumb-placeholder" aria-hidden="true" />}
      />
    </div>
  );
}
