import type { BackendInfo } from './backend.js';
import { describeAdapter, type AdapterInfo } from './webgpu-adapter.js';

// What `ddl-lab system info` and the API's system.info say about the backend: the one in use,
// every candidate with the reason it was or was not used, the adapter, and how to get a faster one.

export interface BackendReport {
  backend: string;
  detail: string;
  gpu: boolean;
  threads: number;
  adapter: AdapterInfo | null;
  /** Every candidate of the chain, in order. */
  backends: { name: string; used: boolean; reason: string }[];
  fasterHint: string | null;
  versions: Record<string, string>;
}

export function backendReport(info: BackendInfo): BackendReport {
  const forced = process.env.LAB_BACKEND?.trim();
  const chosen = forced ? `LAB_BACKEND=${forced} forces it` : 'the first in the chain that started';
  return {
    backend: info.name,
    detail: info.detail,
    gpu: info.gpu,
    threads: info.threads,
    adapter: info.adapter,
    backends: [
      ...info.tried.map((t) => ({ name: t.name, used: !t.error, reason: t.error ?? chosen })),
      ...info.skipped.map((s) => ({ name: s.name, used: false, reason: s.reason })),
    ],
    fasterHint: info.fasterHint,
    versions: info.versions,
  };
}

/** The report as lines for a terminal. */
export function formatBackendReport(report: BackendReport): string {
  const lines = [`Backend: ${report.detail}`];
  lines.push(`GPU adapter: ${report.adapter ? describeAdapter(report.adapter) : 'none in use'}`);
  lines.push('Backends tried, in order:');
  for (const b of report.backends)
    lines.push(`  ${b.used ? '*' : '-'} ${b.name}: ${b.used ? 'used, ' : ''}${b.reason}`);
  if (report.fasterHint) lines.push(`Faster: ${report.fasterHint}`);
  lines.push(
    `Versions: ${Object.entries(report.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  return `${lines.join('\n')}\n`;
}
