import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { DatasetSummary, RunSummary } from '../api/index.js';
import { useLabQuery } from '../hooks/use-lab-query.js';

// The dataset the pages work on (chosen in the side bar or on the Datasets page); by default the
// one runs train on (defaultDatasetId), and the new one after an import or a generation.

interface DatasetSelection {
  datasets: DatasetSummary[] | undefined;
  datasetsError: unknown;
  datasetId: string | null;
  dataset: DatasetSummary | undefined;
  selectDataset: (datasetId: string | null) => void;
}

const SelectionContext = createContext<DatasetSelection>({
  datasets: undefined,
  datasetsError: undefined,
  datasetId: null,
  dataset: undefined,
  selectDataset: () => undefined,
});

export function DatasetSelectionProvider({ children }: { children: ReactNode }) {
  const query = useLabQuery('datasets.list', {}, { tags: ['datasets'] });
  const runs = useLabQuery('runs.list', {}, { tags: ['runs'] });
  const datasets = query.data?.datasets;
  const runList = runs.data?.runs ?? (runs.error ? [] : undefined);
  const [datasetId, setDatasetId] = useState<string | null>(null);
  // a dataset chosen right after its import may not be in the list yet: wait for the refresh
  const pending = useRef<string | null>(null);

  useEffect(() => {
    if (!datasets || !runList) return;
    if (datasetId && datasets.some((d) => d.id === datasetId)) {
      if (pending.current === datasetId) pending.current = null;
      return;
    }
    if (datasetId && pending.current === datasetId) return;
    setDatasetId(defaultDatasetId(datasets, runList));
  }, [datasets, datasetId, runList]);

  const selectDataset = useCallback((id: string | null) => {
    pending.current = id;
    setDatasetId(id);
  }, []);

  const value = useMemo(
    () => ({
      datasets,
      datasetsError: query.error,
      datasetId,
      dataset: datasets?.find((d) => d.id === datasetId),
      selectDataset,
    }),
    [datasets, query.error, datasetId, selectDataset],
  );
  return <SelectionContext.Provider value={value}>{children}</SelectionContext.Provider>;
}

/**
 * The dataset a fresh window works on: the one a run is training on (else the one of the newest run),
 * so opening the lab while a run trains shows it; without runs, the newest dataset.
 */
export function defaultDatasetId(datasets: DatasetSummary[], runs: RunSummary[]): string | null {
  const known = new Set(datasets.map((d) => d.id));
  const newestFirst = [...runs]
    .filter((r) => known.has(r.datasetId))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const live = newestFirst.find((r) => r.status === 'running' || r.status === 'queued');
  const chosen = live ?? newestFirst[0];
  if (chosen) return chosen.datasetId;
  return [...datasets].sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0]?.id ?? null;
}

export function useDatasetSelection(): DatasetSelection {
  return useContext(SelectionContext);
}
