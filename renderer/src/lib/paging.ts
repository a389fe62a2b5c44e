// Virtualised lists fetch fixed-size pages; these helpers say which pages a visible range needs.

/** Page indices covering items [start, end] (inclusive), clamped to the list. */
export function pagesForRange(start: number, end: number, pageSize: number, total: number): number[] {
  if (total <= 0 || end < start) return [];
  const first = Math.floor(Math.max(0, start) / pageSize);
  const last = Math.floor(Math.min(total - 1, end) / pageSize);
  const pages: number[] = [];
  for (let page = first; page <= last; page += 1) pages.push(page);
  return pages;
}

/** Rows needed to lay `total` items out in `columns` columns. */
export function rowCount(total: number, columns: number): number {
  return columns <= 0 ? 0 : Math.ceil(total / columns);
}

/** Columns of `cellWidth` (plus `gap`) that fit in `width`, at least one. */
export function columnsFor(width: number, cellWidth: number, gap: number): number {
  return Math.max(1, Math.floor((width + gap) / (cellWidth + gap)));
}
