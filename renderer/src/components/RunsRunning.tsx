import { useLabEvent } from '../hooks/use-lab-event.js';
import { useLabQuery } from '../hooks/use-lab-query.js';
import { useRefresh } from '../state/refresh.js';
import type { RunSummary } from '../api/index.js';

// The status bar's count of running and queued runs across every dataset (also those started from
// the CLI or by another window), re-read on every run.status event and every 5 s.

export function useLiveRuns(): RunSummary[] {
  const { invalidate } = useRefresh();
  useLabEvent('run.status', () => invalidate('runs'));
  const running = useLabQuery('runs.list', { status: 'running' }, { tags: ['runs'], pollMs: 5000 });
  const queued = useLabQuery('runs.list', { status: 'queued' }, { tags: ['runs'], pollMs: 5000 });
  return [...(running.data?.runs ?? []), ...(queued.data?.runs ?? [])];
}

/** "2 runs training" linking to the Runs page filtered to them (one run: its curves on Train). */
export function RunsRunning({ runs }: { runs: RunSummary[] }) {
  if (runs.length === 0) return null;
  const names = runs.map((r) => `${r.name} (${r.status}, step ${r.step}/${r.totalSteps})`).join('\n');
  const href = runs.length === 1 ? `#/train?run=${runs[0]!.id}` : '#/runs?status=running';
  return (
    <a className="status-item status-busy status-link" href={href} title={names} data-testid="status-runs">
      {runs.length} run{runs.length === 1 ? '' : 's'} training
      {runs.length === 1 ? `: ${runs[0]!.name} ${runs[0]!.step}/${runs[0]!.totalSteps}` : ''}
    </a>
  );
}
