/**
 * The LabApi contract: the only way the UI and the lab core talk (docs/architecture.md#layers).
 *
 * `labApiMethods` is one flat table, `'<area>.<verb>': { params, result }`, of zod schemas. Every
 * transport is generated from it: Electron IPC (main/electron/ipc.ts, preload `window.labApi`),
 * HTTP `POST /api/<method>` + WebSocket `/api/events` (main/server), and the renderer client
 * (renderer/src/api). The service (app/api/service) implements it. Params are validated on the
 * receiving side (unknown keys refused, defaults filled in); errors travel as
 * `{ ok: false, error: { code, message, field } }` and are rethrown by the client as `LabApiError`.
 * Long work returns a job id (`job.progress` / `job.finished` events); runs push `run.*` events
 * (`labApiEvents`). Images are fetched by id through `imageMediaPath` (media.ts), never by path.
 *
 * Pure: imports only zod, so the renderer can import it.
 */
import { z } from 'zod';
import { noParams } from './common.js';
import { datasetMethods, synthMethods } from './datasets.js';
import { evaluationMethods } from './evaluations.js';
import { experimentMethods } from './experiments.js';
import { jobMethods } from './jobs.js';
import { modelMethods } from './models.js';
import { runManagementMethods } from './run-management.js';
import { runMethods } from './runs.js';
import { slurmMethods } from './slurm.js';
import { splitMethods } from './splits.js';
import { pickFolderParams, pickFolderResult, systemInfoSchema } from './system.js';

export const labApiMethods = {
  /** Backend, threads, versions, data directory, shell. */
  'system.info': { params: noParams, result: systemInfoSchema },
  /** Native folder picker (desktop app only; in a browser answers `not_available`: type the path). */
  'system.pickFolder': { params: pickFolderParams, result: pickFolderResult },
  ...datasetMethods,
  ...synthMethods,
  ...splitMethods,
  ...runMethods,
  ...evaluationMethods,
  ...jobMethods,
  ...experimentMethods,
  ...runManagementMethods,
  ...slurmMethods,
  ...modelMethods,
} as const;

export type LabApiMethods = typeof labApiMethods;
export type LabMethod = keyof LabApiMethods;
/** What a caller may send (defaults may be left out). */
export type LabParams<M extends LabMethod> = z.input<LabApiMethods[M]['params']>;
/** What the service receives (defaults filled in). */
export type LabParsedParams<M extends LabMethod> = z.output<LabApiMethods[M]['params']>;
export type LabResult<M extends LabMethod> = z.output<LabApiMethods[M]['result']>;

export const labMethodNames = Object.keys(labApiMethods) as LabMethod[];

export function isLabMethod(name: string): name is LabMethod {
  return Object.prototype.hasOwnProperty.call(labApiMethods, name);
}

/** The service side: one async function per method. */
export type LabApiHandlers = { [M in LabMethod]: (params: LabParsedParams<M>) => Promise<LabResult<M>> };

/** The caller side, as the renderer client exposes it. */
export interface LabApiCaller {
  call<M extends LabMethod>(method: M, params: LabParams<M>): Promise<LabResult<M>>;
}
