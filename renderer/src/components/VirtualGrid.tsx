import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { useElementWidth } from '../hooks/use-element-width.js';
import { nextGridIndex } from '../lib/grid-keys.js';
import { columnsFor, rowCount } from '../lib/paging.js';

// A grid of fixed-size cells over a list of any length: only the visible rows (plus a few) are in
// the DOM, and the pages they need are requested as they come into view.

export interface VirtualGridProps<T> {
  total: number;
  itemAt: (index: number) => T | undefined;
  ensureRange: (start: number, end: number) => void;
  cellWidth: number;
  cellHeight: number;
  gap?: number;
  /** Stretch cells to fill the row (cards) instead of keeping `cellWidth` (thumbnails). */
  stretch?: boolean;
  renderCell: (item: T | undefined, index: number) => ReactNode;
  label: string;
  className?: string;
}

export function VirtualGrid<T>({
  total,
  itemAt,
  ensureRange,
  cellWidth,
  cellHeight,
  gap = 8,
  stretch = false,
  renderCell,
  label,
  className,
}: VirtualGridProps<T>) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const width = useElementWidth(scrollRef);
  const columns = columnsFor(Math.max(width - 2, cellWidth), cellWidth, gap);
  const rows = rowCount(total, columns);
  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => cellHeight + gap,
    overscan: 4,
  });
  const virtualRows = virtualizer.getVirtualItems();
  const firstRow = virtualRows[0]?.index ?? 0;
  const lastRow = virtualRows[virtualRows.length - 1]?.index ?? 0;

  useEffect(() => {
    if (rows > 0) ensureRange(firstRow * columns, (lastRow + 1) * columns - 1);
  }, [firstRow, lastRow, columns, rows, ensureRange]);

  // Arrow keys move between cells (their first button gets focus; Enter or Space opens it).
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const cell = (event.target as HTMLElement).closest<HTMLElement>('[data-grid-index]');
    const current = cell ? Number(cell.dataset.gridIndex) : -1;
    const next =
      current < 0 ? (event.key.startsWith('Arrow') ? 0 : undefined) : nextGridIndex(event.key, current, columns, total);
    if (next === undefined) return;
    event.preventDefault();
    virtualizer.scrollToIndex(Math.floor(next / columns));
    const focus = (tries: number) => {
      const target = scrollRef.current?.querySelector<HTMLElement>(`[data-grid-index="${next}"]`);
      const control = target?.querySelector<HTMLElement>('button, a[href], [tabindex]') ?? target;
      if (control) control.focus();
      else if (tries > 0) requestAnimationFrame(() => focus(tries - 1));
    };
    requestAnimationFrame(() => focus(10));
  };

  const actualCellWidth = stretch
    ? Math.floor((Math.max(width - 2, cellWidth) - gap * (columns - 1)) / columns)
    : cellWidth;
  return (
    <div
      ref={scrollRef}
      className={`virtual-grid${className ? ` ${className}` : ''}`}
      role="region"
      aria-label={label}
      aria-keyshortcuts="ArrowUp ArrowDown ArrowLeft ArrowRight Home End Enter"
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      <div className="virtual-grid-inner" style={{ height: virtualizer.getTotalSize() }}>
        {virtualRows.map((row) => (
          <div
            key={row.key}
            className="virtual-grid-row"
            style={{ transform: `translateY(${row.start}px)`, height: cellHeight, gap }}
          >
            {Array.from({ length: columns }, (_, column) => {
              const index = row.index * columns + column;
              if (index >= total) return null;
              return (
                <div
                  key={index}
                  className="virtual-grid-cell"
                  data-grid-index={index}
                  style={{ width: actualCellWidth, height: cellHeight }}
                >
                  {renderCell(itemAt(index), index)}
                </div>
              );
            })}
          </div>
        ))}
      </div>
    </div>
  );
}
