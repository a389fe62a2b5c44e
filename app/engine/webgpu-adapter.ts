import * as tf from '@tensorflow/tfjs';
import os from 'node:os';
import { installWebgpuAddN } from './kernels/webgpu-addn.js';

// WebGPU through Dawn (the `webgpu` package: Chromium's implementation as a Node addon, on Vulkan,
// Metal or Direct3D 12). Opens an adapter, says what it is, and registers tfjs's webgpu backend on
// its device. The backend chain (backend.ts) decides whether to use it.

/** What the lab shows and records about the GPU adapter. */
export interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A CPU implementation of the GPU API (SwiftShader, llvmpipe/lavapipe, WARP): correct but slow. */
  software: boolean;
}

/** Names and words that mark an adapter as a software rasteriser, not a GPU. */
const softwareMarks = /swiftshader|llvmpipe|lavapipe|softpipe|software|microsoft basic render|\bwarp\b/i;

export function isSoftwareAdapter(info: Omit<AdapterInfo, 'software'> & { isFallbackAdapter?: boolean }): boolean {
  if (info.isFallbackAdapter) return true;
  return softwareMarks.test([info.vendor, info.architecture, info.device, info.description].join(' '));
}

/** Dawn's GPUAdapterInfo (or the probe's copy of it) as the lab records it. */
export function adapterInfo(
  raw: Partial<Omit<AdapterInfo, 'software'>> & { isFallbackAdapter?: boolean },
): AdapterInfo {
  const named = {
    vendor: raw.vendor ?? '',
    architecture: raw.architecture ?? '',
    device: raw.device ?? '',
    description: raw.description ?? '',
  };
  return { ...named, software: isSoftwareAdapter({ ...named, isFallbackAdapter: raw.isFallbackAdapter }) };
}

/** One line: "google swiftshader, SwiftShader driver 5.0.0, software adapter". */
export function describeAdapter(a: AdapterInfo): string {
  const who = [a.vendor, a.architecture].filter(Boolean).join(' ') || 'unknown vendor';
  const what = a.description || a.device || 'no description';
  return `${who}, ${what}, ${a.software ? 'software' : 'hardware'} adapter`;
}

/** How LAB_GPU picks an adapter: a power preference, an index into Dawn's list, or part of a name. */
export type GpuSelection =
  | { kind: 'default' }
  | { kind: 'power'; preference: 'high-performance' | 'low-power' }
  | { kind: 'index'; index: number }
  | { kind: 'name'; name: string };

export function gpuSelection(env: NodeJS.ProcessEnv = process.env): GpuSelection {
  const value = env.LAB_GPU?.trim();
  if (!value) return { kind: 'default' };
  if (value === 'high-performance' || value === 'low-power') return { kind: 'power', preference: value };
  if (/^\d+$/.test(value)) return { kind: 'index', index: Number(value) };
  return { kind: 'name', name: value };
}

/** An adapter as Dawn lists it ("backend: 'vulkan', name: 'SwiftShader Device (Subzero)'"). */
export interface ListedAdapter {
  backend: string;
  name: string;
}

/** Parses the adapter list Dawn prints in its "no suitable backends found" error. */
export function parseAdapterList(message: string): ListedAdapter[] {
  return [...message.matchAll(/\*\s*backend:\s*'([^']*)',\s*name:\s*'([^']*)'/g)].map((m) => ({
    backend: m[1]!,
    name: m[2]!,
  }));
}

type DawnModule = {
  create(options: string[]): GPU;
  globals: Record<string, unknown>;
};

type GPU = { requestAdapter(options?: Record<string, unknown>): Promise<GPUAdapterLike | null> };
interface GPUAdapterLike {
  info: Omit<AdapterInfo, 'software'> & { isFallbackAdapter?: boolean };
  features: { has(name: string): boolean };
  limits: Record<string, number>;
  requestDevice(descriptor: Record<string, unknown>): Promise<unknown>;
}

async function loadDawn(): Promise<DawnModule> {
  // Linux Vulkan drivers (and Dawn's surface code) complain on stderr without a runtime dir.
  if (process.platform === 'linux' && !process.env.XDG_RUNTIME_DIR) process.env.XDG_RUNTIME_DIR = os.tmpdir();
  const dawn = (await import('webgpu')) as unknown as Partial<DawnModule> & { default?: DawnModule };
  return (dawn.create ? dawn : dawn.default!) as DawnModule;
}

/** Every adapter Dawn can open, by asking it for one that does not exist (its error lists them). */
export async function listAdapters(): Promise<ListedAdapter[]> {
  const dawn = await loadDawn();
  try {
    await dawn.create(['adapter=\u0001no such adapter']).requestAdapter();
    return [];
  } catch (error) {
    return parseAdapterList(error instanceof Error ? error.message : String(error));
  }
}

export interface OpenedAdapter {
  adapter: AdapterInfo;
  /** Dawn's adapter list (may be empty when Dawn found no driver at all). */
  listed: ListedAdapter[];
}

/**
 * Opens the adapter LAB_GPU selects (default: Dawn's high-performance one) and registers tfjs's
 * 'webgpu' backend on a device of it. A software adapter is refused unless `allowSoftware`.
 * Throws an error that says what was found and what to do.
 */
export async function openWebgpu(
  options: { allowSoftware: boolean },
  env: NodeJS.ProcessEnv = process.env,
): Promise<OpenedAdapter> {
  const dawn = await loadDawn();
  const listed = await listAdapters();
  const selection = gpuSelection(env);
  let dawnOptions: string[] = [];
  let request: Record<string, unknown> = { powerPreference: 'high-performance' };
  if (selection.kind === 'power') request = { powerPreference: selection.preference };
  if (selection.kind === 'index' || selection.kind === 'name') {
    const names = listed.map((a, i) => `${i}: ${a.name} (${a.backend})`).join('; ') || 'none';
    const chosen =
      selection.kind === 'index'
        ? listed[selection.index]
        : listed.find((a) => a.name.toLowerCase().includes(selection.name.toLowerCase()));
    if (!chosen) {
      const asked = selection.kind === 'index' ? `number ${selection.index}` : `"${selection.name}"`;
      throw new Error(
        `LAB_GPU=${env.LAB_GPU}: no adapter ${asked}; adapters: ${names}. Use a number, part of a name, high-performance or low-power`,
      );
    }
    dawnOptions = [`adapter=${chosen.name}`, `backend=${chosen.backend}`];
  }
  const gpu = dawn.create(dawnOptions);
  const adapter = await gpu.requestAdapter(request);
  if (!adapter) {
    throw new Error(
      listed.length === 0
        ? 'Dawn found no WebGPU adapter (no Vulkan, Metal or Direct3D 12 driver for a GPU)'
        : `Dawn lists ${listed.map((a) => a.name).join(', ')} but none opened`,
    );
  }
  const raw = adapter.info;
  const info = adapterInfo(raw);
  if (info.software && !options.allowSoftware) {
    throw new Error(
      `the adapter is ${describeAdapter(info)}: slower than wasm, so it runs only with LAB_BACKEND=webgpu`,
    );
  }
  // The same limits tfjs's own factory asks for: the adapter's maxima, so large buffers fit.
  const limits = adapter.limits;
  const requiredLimits = Object.fromEntries(
    [
      'maxComputeWorkgroupStorageSize',
      'maxComputeWorkgroupsPerDimension',
      'maxStorageBufferBindingSize',
      'maxBufferSize',
      'maxComputeWorkgroupSizeX',
      'maxComputeInvocationsPerWorkgroup',
    ].map((k) => [k, limits[k]]),
  );
  const requiredFeatures = adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures });

  // tfjs-backend-webgpu finds WebGPU at navigator.gpu and uses the GPU* constants as globals.
  Object.assign(globalThis, dawn.globals);
  const global = globalThis as { navigator?: { gpu?: unknown } };
  if (!global.navigator) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true });
  Object.defineProperty(global.navigator!, 'gpu', { value: gpu, configurable: true, writable: true });
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  installWebgpuAddN(); // AddN with more inputs than a shader may bind (kernels/webgpu-addn.ts)
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend(
    'webgpu',
    () => new WebGPUBackend(device as ConstructorParameters<typeof WebGPUBackend>[0], raw as never),
    1,
  );
  return { adapter: info, listed };
}
