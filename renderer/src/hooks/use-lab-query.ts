import { useCallback, useEffect, useRef, useState } from 'react';
import { lab, type LabMethod, type LabParams, type LabResult } from '../api/index.js';
import { useRefresh, type RefreshTag } from '../state/refresh.js';

// One LabApi read as React state. Data of other params is never shown (switching dataset clears
// it); a reload of the same params keeps the old data on screen until the new data arrives.

export interface LabQuery<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

interface QueryOptions {
  /** Fetch again when any of these tags is invalidated. */
  tags?: RefreshTag[];
  /** Fetch again every N ms while mounted (live pages). */
  pollMs?: number;
}

export function useLabQuery<M extends LabMethod>(
  method: M,
  params: LabParams<M> | null,
  options: QueryOptions = {},
): LabQuery<LabResult<M>> {
  const { versions } = useRefresh();
  const key = params === null ? null : `${method}:${JSON.stringify(params)}`;
  const tagVersion = (options.tags ?? []).map((tag) => versions[tag]).join('.');
  const [state, setState] = useState<{ key: string | null; data?: LabResult<M>; error?: unknown; loading: boolean }>({
    key: null,
    loading: false,
  });
  const [tick, setTick] = useState(0);
  const paramsRef = useRef(params);
  paramsRef.current = params;
  const latestRequest = useRef(0);

  useEffect(() => {
    if (key === null || paramsRef.current === null) {
      setState({ key: null, loading: false });
      return;
    }
    const request = ++latestRequest.current;
    setState((current) => (current.key === key ? { ...current, loading: true } : { key, loading: true }));
    lab.call(method, paramsRef.current).then(
      (data) => {
        if (request === latestRequest.current) setState({ key, data, loading: false });
      },
      (error: unknown) => {
        if (request === latestRequest.current)
          setState((current) => ({ key, data: current.key === key ? current.data : undefined, error, loading: false }));
      },
    );
  }, [method, key, tagVersion, tick]);

  useEffect(() => {
    if (!options.pollMs || key === null) return undefined;
    const timer = setInterval(() => setTick((t) => t + 1), options.pollMs);
    return () => clearInterval(timer);
  }, [options.pollMs, key]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  const current = state.key === key;
  return {
    data: current ? state.data : undefined,
    error: current ? state.error : undefined,
    loading: !current || state.loading,
    reload,
  };
}
