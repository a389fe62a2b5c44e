// Hash routes (#/runs, #/inspect?evaluation=7): bookmarkable pages without a server-side router,
// and the same in Electron (file://) and in the browser.

export const pageNames = ['datasets', 'split', 'train', 'runs', 'inspect', 'experiments'] as const;
export type PageName = (typeof pageNames)[number];

export interface Route {
  page: PageName;
  params: Record<string, string>;
}

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  const page = (pageNames as readonly string[]).includes(path) ? (path as PageName) : 'datasets';
  const params: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(query)) params[key] = value;
  return { page, params };
}

export function formatRoute(route: Route): string {
  const query = new URLSearchParams(Object.entries(route.params).filter(([, value]) => value !== '')).toString();
  return `#/${route.page}${query ? `?${query}` : ''}`;
}
