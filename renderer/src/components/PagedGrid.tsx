import type { ReactNode } from 'react';
import { usePagedItems, type PageFetcher } from '../hooks/use-paged-items.js';
import { ErrorMessage } from './ErrorMessage.js';
import { VirtualGrid } from './VirtualGrid.js';

// A long list shown as a virtualised grid and fetched page by page as it scrolls (images,
// identities, failures): one place for the fetching, the error, the empty list and the cells not
// loaded yet.

export interface PagedGridProps<T> {
  /** Identifies the list (dataset, filters): a new key drops every page of the old one. Null: no list yet. */
  listKey: string | null;
  pageSize: number;
  fetchPage: PageFetcher<T>;
  /** Accessible name of the grid region. */
  label: string;
  className?: string;
  cellWidth: number;
  cellHeight: number;
  gap?: number;
  /** Stretch cells to fill the row (cards) instead of keeping `cellWidth` (thumbnails). */
  stretch?: boolean;
  renderItem: (item: T, index: number) => ReactNode;
  /** Stands in for an item whose page has not arrived yet. */
  renderPlaceholder: (index: number) => ReactNode;
  /** Above the grid, given the list's size (undefined until the first page arrives): counts, filters. */
  header?: (total: number | undefined) => ReactNode;
  /** Shown instead of the grid when the list is empty. */
  empty?: ReactNode;
}

export function PagedGrid<T>({
  listKey,
  pageSize,
  fetchPage,
  renderItem,
  renderPlaceholder,
  header,
  empty,
  ...grid
}: PagedGridProps<T>) {
  const { total, itemAt, ensureRange, error } = usePagedItems<T>(listKey, pageSize, fetchPage);
  return (
    <>
      {header?.(total)}
      <ErrorMessage error={error} />
      {total === 0 && empty !== undefined ? (
        empty
      ) : total !== undefined ? (
        <VirtualGrid
          {...grid}
          total={total}
          itemAt={itemAt}
          ensureRange={ensureRange}
          renderCell={(item, index) => (item === undefined ? renderPlaceholder(index) : renderItem(item, index))}
        />
      ) : null}
    </>
  );
}
