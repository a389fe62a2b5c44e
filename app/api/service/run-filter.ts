import type { RunSummary } from '../contract/index.js';

// runs.list's search and filters beyond dataset and status (which the store query applies).

export interface RunListFilter {
  search?: string;
  tag?: string;
  objective?: 'classification' | 'ddl';
}

/** Every word of `search` must appear (case-insensitive) in the run's name, notes, tags or id. */
export function matchesRunFilter(run: RunSummary, filter: RunListFilter): boolean {
  if (filter.objective !== undefined && run.objective !== filter.objective) return false;
  if (filter.tag !== undefined && filter.tag !== '' && !run.tags.includes(filter.tag)) return false;
  const words = (filter.search ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const text = [run.name, run.notes, ...run.tags, `#${run.id}`].join('\n').toLowerCase();
  return words.every((word) => text.includes(word));
}
