import { z } from 'zod';
import { slurmSettingsSchema } from '../../vocabulary/index.js';

// slurm.*: the Slurm settings the user controls (the data folder's slurm.json), which every job
// script the lab writes is made from. The same schema checks the file, the command line and these
// params, so a bad value is refused with the same words everywhere (`field` names it).

export const slurmSettingsViewSchema = z.object({
  /** Where the settings live. */
  file: z.string(),
  /** The settings as stored: a field left out takes its default. */
  settings: slurmSettingsSchema,
  /** The folder the bundles go to (the stored one, or the default beside the lab). */
  sharedDir: z.string(),
});
export type SlurmSettingsView = z.infer<typeof slurmSettingsViewSchema>;

export const slurmMethods = {
  'slurm.getSettings': { params: z.strictObject({}), result: slurmSettingsViewSchema },
  /** Replaces the settings (fields left out go back to their defaults); nothing is written when a value is refused. */
  'slurm.setSettings': { params: z.strictObject({ settings: slurmSettingsSchema }), result: slurmSettingsViewSchema },
} as const;
