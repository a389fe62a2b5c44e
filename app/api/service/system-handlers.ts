import { availableParallelism, platform } from 'node:os';
import { LabApiError, type SystemInfo } from '../contract/index.js';
import type { HandlersOf, ServiceContext } from './context.js';

// system.*: what the lab runs on.

async function tfjsVersion(): Promise<string | null> {
  try {
    const core = await import('@tensorflow/tfjs-core');
    return core.version_core;
  } catch {
    return null;
  }
}

export function systemHandlers(
  context: ServiceContext,
  backendInfo: () => Promise<{
    backend: string | null;
    available: string[];
    threads: number | null;
    adapter?: SystemInfo['adapter'];
    tried?: SystemInfo['backendsTried'];
    fasterBackend?: string | null;
  }>,
  unavailable: () => string[],
): HandlersOf<'system'> {
  const { options } = context;
  return {
    'system.info': async () => {
      const backend = await backendInfo();
      return {
        backend: backend.backend,
        backendsAvailable: backend.available,
        adapter: backend.adapter ?? null,
        backendsTried: backend.tried ?? [],
        fasterBackend: backend.fasterBackend ?? null,
        threads: backend.threads ?? availableParallelism(),
        cpus: availableParallelism(),
        platform: `${platform()} ${process.arch}`,
        versions: {
          app: options.appVersion ?? 'unknown',
          node: process.versions.node,
          tfjs: await tfjsVersion(),
          electron: options.versions?.electron ?? null,
          chrome: options.versions?.chrome ?? null,
        },
        dataDir: options.dataDir,
        shell: options.shell,
        unavailable: unavailable(),
      };
    },
    'system.pickFolder': async ({ title }) => {
      if (!options.pickFolder) {
        throw new LabApiError(
          'not_available',
          'The folder picker exists only in the desktop app: type the folder path instead.',
        );
      }
      return { path: await options.pickFolder(title) };
    },
  };
}
