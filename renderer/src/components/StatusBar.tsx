import { useJobs } from '../state/jobs.js';
import { useLabQuery } from '../hooks/use-lab-query.js';
import { lab } from '../api/index.js';
import { RunsRunning, useLiveRuns } from './RunsRunning.js';

/** The bottom bar: what the lab runs on (backend, threads), where it stores data, work in progress. */
export function StatusBar() {
  const info = useLabQuery('system.info', {}, { tags: ['system', 'runs'] });
  const { jobs } = useJobs();
  const running = Object.values(jobs).filter((job) => job.status === 'running');
  const liveRuns = useLiveRuns();
  const system = info.data;
  return (
    <footer className="status-bar" aria-label="Lab status">
      {info.error ? (
        <span className="status-item status-error">
          Lab not reachable: {info.error instanceof Error ? info.error.message : String(info.error)}
        </span>
      ) : system ? (
        <>
          <span
            className="status-item"
            title={system.backendsAvailable.length ? `available: ${system.backendsAvailable.join(', ')}` : undefined}
          >
            Backend <strong data-testid="status-backend">{system.backend ?? 'not loaded yet'}</strong>
          </span>
          {system.adapter ? (
            <span className="status-item" data-testid="status-adapter" title={system.adapter.device}>
              GPU {system.adapter.vendor} {system.adapter.architecture} · {system.adapter.description} ·{' '}
              {system.adapter.software ? 'software adapter' : 'hardware'}
            </span>
          ) : null}
          {system.fasterBackend ? (
            <span className="status-item status-warn" data-testid="status-faster" title={system.fasterBackend}>
              CPU only: how to use a GPU
            </span>
          ) : null}
          <span className="status-item">
            {system.threads} thread{system.threads === 1 ? '' : 's'} · {system.cpus} CPU{system.cpus === 1 ? '' : 's'}
          </span>
          <span className="status-item">
            {system.shell === 'electron' ? 'desktop app' : lab.transport === 'http' ? 'server mode' : system.shell}
          </span>
          <span className="status-item status-path" title={system.dataDir}>
            data: {system.dataDir}
          </span>
          {system.unavailable.length > 0 ? (
            <span className="status-item status-warn" title={system.unavailable.join('\n')}>
              {system.unavailable.length} parts not built yet
            </span>
          ) : null}
          <span className="status-spacer" />
          <RunsRunning runs={liveRuns} />
          {running.length > 0 ? (
            <a
              className="status-item status-busy status-link"
              href="#/runs"
              title="Imports, generations and evaluations"
            >
              {running.length} job{running.length === 1 ? '' : 's'} running: {running.map((job) => job.kind).join(', ')}
            </a>
          ) : null}
          <span className="status-item">
            DDL Lab {system.versions.app} · tfjs {system.versions.tfjs ?? 'n/a'} · node {system.versions.node}
          </span>
        </>
      ) : (
        <span className="status-item">Connecting to the lab…</span>
      )}
    </footer>
  );
}
