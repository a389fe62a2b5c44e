import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { DatasetSummary } from '../api/index.js';
import { useLabQuery } from '../hooks/use-lab-query.js';

// The dataset the pages work on (chosen in the side bar or on the Datasets page); the newest one
// by default, and the new one after an import or a generation.

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
  const datasets = query.data?.datasets;
  const [datasetId, setDatasetId] = useState<string | null>(null);
  // a dataset chosen right after its import may not be in the list yet: wait for the refresh
  const pending = useRef<string | null>(null);

  useEffect(() => {
    if (!datasets) return;
    if (datasetId && datasets.some((d) => d.id === datasetId)) {
      if (pending.current === datasetId) pending.current = null;
      return;
    }
    if (datasetId && pending.current === datasetId) return;
    const newest = [...datasets].sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
    setDatasetId(newest?.id ?? null);
  }, [datasets, datasetId]);

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

export function useDatasetSelection(): DatasetSelection {
  return useContext(SelectionContext);
}
