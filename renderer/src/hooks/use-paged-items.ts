import { useCallback, useEffect, useRef, useState } from 'react';
import { pagesForRange } from '../lib/paging.js';

// A long list fetched page by page as a virtualised view scrolls: pages are cached, each is asked
// for once, and nothing of a previous list (another dataset, other filters) is ever shown.

export interface PagedItems<T> {
  /** Size of the whole list; undefined until the first page arrives. */
  total: number | undefined;
  itemAt: (index: number) => T | undefined;
  /** Ask for the pages covering items [start, end]. */
  ensureRange: (start: number, end: number) => void;
  error: unknown;
}

export type PageFetcher<T> = (offset: number, limit: number) => Promise<{ total: number; items: T[] }>;

export function usePagedItems<T>(key: string | null, pageSize: number, fetchPage: PageFetcher<T>): PagedItems<T> {
  const pages = useRef(new Map<number, T[]>());
  const requested = useRef(new Set<number>());
  const generation = useRef(0);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;
  const [total, setTotal] = useState<number | undefined>(undefined);
  const [error, setError] = useState<unknown>();
  const [, setVersion] = useState(0);

  const load = useCallback(
    (page: number) => {
      if (requested.current.has(page)) return;
      requested.current.add(page);
      const mine = generation.current;
      fetchRef.current(page * pageSize, pageSize).then(
        (result) => {
          if (mine !== generation.current) return;
          pages.current.set(page, result.items);
          setTotal(result.total);
          setVersion((v) => v + 1);
        },
        (failure: unknown) => {
          if (mine !== generation.current) return;
          requested.current.delete(page);
          setError(failure);
        },
      );
    },
    [pageSize],
  );

  useEffect(() => {
    generation.current += 1;
    pages.current = new Map();
    requested.current = new Set();
    setTotal(undefined);
    setError(undefined);
    setVersion((v) => v + 1);
    if (key !== null) load(0);
  }, [key, load]);

  const ensureRange = useCallback(
    (start: number, end: number) => {
      if (key === null || total === undefined) return;
      for (const page of pagesForRange(start, end, pageSize, total)) load(page);
    },
    [key, total, pageSize, load],
  );

  const itemAt = useCallback(
    (index: number) => pages.current.get(Math.floor(index / pageSize))?.[index % pageSize],
    [pageSize],
  );

  return { total: key === null ? undefined : total, itemAt, ensureRange, error };
}
