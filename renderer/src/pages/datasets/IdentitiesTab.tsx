import { useCallback, useState } from 'react';
import { lab, type IdentityItem } from '../../api/index.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { VirtualGrid } from '../../components/VirtualGrid.js';
import { useDebouncedValue } from '../../hooks/use-debounced-value.js';
import { usePagedItems } from '../../hooks/use-paged-items.js';
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
  const identities = usePagedItems<IdentityItem>(`${datasetId}|${settled}`, 500, fetchPage);
  return (
    <div className="tab-body">
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
          {identities.total === undefined ? 'Loading…' : `${formatCount(identities.total)} identities`}
        </span>
      </div>
      <ErrorMessage error={identities.error} />
      {identities.total !== undefined ? (
        <VirtualGrid
          label="Identities"
          className="identity-grid"
          total={identities.total}
          itemAt={identities.itemAt}
          ensureRange={identities.ensureRange}
          cellWidth={210}
          cellHeight={32}
          gap={6}
          stretch
          renderCell={(item) =>
            item ? (
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
            ) : (
              <div className="thumb-placeholder" aria-hidden="true" />
            )
          }
        />
      ) : null}
    </div>
  );
}
