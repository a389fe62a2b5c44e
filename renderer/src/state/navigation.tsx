import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { formatRoute, parseRoute, type PageName, type Route } from '../lib/routes.js';

// The current page and its params live in the URL hash, so reload and back/forward work.

interface Navigation {
  route: Route;
  navigate: (page: PageName, params?: Record<string, string>) => void;
}

const NavigationContext = createContext<Navigation>({
  route: { page: 'datasets', params: {} },
  navigate: () => undefined,
});

export function NavigationProvider({ children }: { children: ReactNode }) {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onHashChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);
  const navigate = useCallback((page: PageName, params: Record<string, string> = {}) => {
    const next = formatRoute({ page, params });
    if (window.location.hash !== next) window.location.hash = next;
    setRoute(parseRoute(next));
  }, []);
  const value = useMemo(() => ({ route, navigate }), [route, navigate]);
  return <NavigationContext.Provider value={value}>{children}</NavigationContext.Provider>;
}

export function useNavigation(): Navigation {
  return useContext(NavigationContext);
}
