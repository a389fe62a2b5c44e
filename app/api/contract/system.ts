import { z } from 'zod';

// system.*: what the lab runs on, shown in the UI header and recorded with runs.

export const backendNameSchema = z.enum(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);

export const systemInfoSchema = z.object({
  /** The tfjs backend runs use (the best that loads, or LAB_BACKEND); null until the engine is available. */
  backend: z.string().nullable(),
  /** Backends that loaded on this machine, best first. */
  backendsAvailable: z.array(z.string()),
  /** The WebGPU adapter the backend computes on (webgpu only), else null. */
  adapter: z
    .object({
      vendor: z.string(),
      architecture: z.string(),
      device: z.string(),
      description: z.string(),
      /** A CPU implementation of the GPU API (SwiftShader, llvmpipe): correct, slow. */
      software: z.boolean(),
    })
    .nullable(),
  /** Every backend of the chain, in order, with the reason it was or was not used. */
  backendsTried: z.array(z.object({ name: z.string(), used: z.boolean(), reason: z.string() })),
  /** How to get a faster backend on this machine; null when a GPU already computes. */
  fasterBackend: z.string().nullable(),
  /** Threads the backend uses (wasm threads / native intra-op threads). */
  threads: z.int().min(1),
  cpus: z.int().min(1),
  platform: z.string(),
  versions: z.object({
    app: z.string(),
    node: z.string(),
    tfjs: z.string().nullable(),
    electron: z.string().nullable(),
    chrome: z.string().nullable(),
  }),
  dataDir: z.string(),
  /** Which shell serves the UI: the desktop app (native folder picker available) or `ddl-lab serve`. */
  shell: z.enum(['electron', 'server', 'test']),
  /** Core modules not built yet: methods depending on them answer `not_available`. */
  unavailable: z.array(z.string()),
});
export type SystemInfo = z.infer<typeof systemInfoSchema>;

export const pickFolderParams = z.strictObject({ title: z.string().max(200).optional() });
export const pickFolderResult = z.object({ path: z.string().nullable() });
