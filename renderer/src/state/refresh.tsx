import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';

// Cross-page freshness: when something changes the lab's state (an import finished, a run ended),
// the page that knows bumps a tag and every query depending on it fetches again.

export type RefreshTag = 'datasets' | 'splits' | 'runs' | 'evaluations' | 'system';

interface RefreshState {
  versions: Record<RefreshTag, number>;
  invalidate: (...tags: RefreshTag[]) => void;
}

const initial: Record<RefreshTag, number> = { datasets: 0, splits: 0, runs: 0, evaluations: 0, system: 0 };
const RefreshContext = createContext<RefreshState>({ versions: initial, invalidate: () => undefined });

export function RefreshProvider({ children }: { children: ReactNode }) {
  const [versions, setVersions] = useState(initial);
  const invalidate = useCallback((...tags: RefreshTag[]) => {
    setVersions((current) => {
      const next = { ...current };
      for (const tag of tags) next[tag] += 1;
      return next;
    });
  }, []);
  const value = useMemo(() => ({ versions, invalidate }), [versions, invalidate]);
  return <RefreshContext.Provider value={value}>{children}</RefreshContext.Provider>;
}

export function useRefresh(): RefreshState {
  return useContext(RefreshContext);
}
