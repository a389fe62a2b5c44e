import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { listAdapters } from './webgpu-adapter.js';

// For the webgpu tests: the environment that gives Dawn an adapter on a machine without a GPU
// (SwiftShader, the Vulkan driver Debian's chromium package ships), and whether one exists at all.

export const swiftShaderIcd = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** VK_ICD_FILENAMES on SwiftShader when it is installed (unless the caller's environment names a driver). */
export function webgpuTestEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = { XDG_RUNTIME_DIR: env.XDG_RUNTIME_DIR || tmpdir() };
  if (env.VK_ICD_FILENAMES) out.VK_ICD_FILENAMES = env.VK_ICD_FILENAMES;
  else if (existsSync(swiftShaderIcd)) out.VK_ICD_FILENAMES = swiftShaderIcd;
  return out;
}

/**
 * Sets the webgpu test environment on this process (Dawn reads it when it first opens Vulkan)
 * and lists the adapters; an empty list means the webgpu tests must skip.
 */
export async function adaptersForTests(): Promise<string[]> {
  Object.assign(process.env, webgpuTestEnv());
  try {
    return (await listAdapters()).map((a) => a.name);
  } catch {
    return [];
  }
}
