import { LabApiError, type SlurmSettingsView } from '../contract/index.js';
import {
  defaultSharedDir,
  readSlurmSettingsFile,
  slurmSettingsPath,
  SlurmSettingsFileError,
  writeSlurmSettingsFile,
} from '../../executor/slurm-settings-file.js';
import type { HandlersOf, ServiceContext } from './context.js';

// slurm.*: the data folder's slurm.json (app/executor/slurm-settings-file.ts) behind the contract.

export function slurmHandlers(context: ServiceContext): HandlersOf<'slurm'> {
  const { dataDir } = context.options;
  const view = (read: () => SlurmSettingsView['settings']): SlurmSettingsView => {
    try {
      const settings = read();
      return { file: slurmSettingsPath(dataDir), settings, sharedDir: settings.sharedDir ?? defaultSharedDir(dataDir) };
    } catch (error) {
      if (error instanceof SlurmSettingsFileError) throw new LabApiError('invalid_params', error.message, error.field);
      throw error;
    }
  };
  return {
    'slurm.getSettings': async () => view(() => readSlurmSettingsFile(dataDir)),
    'slurm.setSettings': async ({ settings }) => view(() => writeSlurmSettingsFile(dataDir, settings)),
  };
}
