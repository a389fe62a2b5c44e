import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { adapterInfo, type AdapterInfo } from './webgpu-adapter.js';

// The automatic backend chain asks a child process which adapter Dawn would open, so Dawn's native
// warnings about unusable Vulkan drivers (Mesa's lavapipe prints one on every start) go to the
// child's discarded stderr instead of every command's output. Only a hardware adapter makes the
// chain open Dawn in its own process.

export type ProbeResult =
  { kind: 'adapter'; adapter: AdapterInfo } | { kind: 'none' } | { kind: 'failed'; reason: string };

const probeScript = (webgpuUrl: string) => `
const m = await import(${JSON.stringify(webgpuUrl)});
const create = m.create ?? m.default.create;
const a = await create([]).requestAdapter({ powerPreference: 'high-performance' });
const i = a && a.info;
process.stdout.write(JSON.stringify(i ? { vendor: i.vendor, architecture: i.architecture, device: i.device,
  description: i.description, isFallbackAdapter: i.isFallbackAdapter } : null));
process.exit(0);
`;

/** The adapter Dawn's default request would give, found in a child process (10 s at most). */
export function probeDefaultAdapter(env: NodeJS.ProcessEnv = process.env): Promise<ProbeResult> {
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve('webgpu');
  } catch (error) {
    return Promise.resolve({ kind: 'failed', reason: `the webgpu package is not installed (${String(error)})` });
  }
  const childEnv: NodeJS.ProcessEnv = { ...env, ELECTRON_RUN_AS_NODE: '1' };
  if (process.platform === 'linux' && !childEnv.XDG_RUNTIME_DIR) childEnv.XDG_RUNTIME_DIR = os.tmpdir();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', probeScript(pathToFileURL(entry).href)],
      { env: childEnv, timeout: 10_000, maxBuffer: 1 << 20 },
      (error, stdout) => {
        if (error)
          return resolve({ kind: 'failed', reason: `the adapter probe failed: ${error.message.split('\n')[0]}` });
        try {
          const raw = JSON.parse(stdout) as Parameters<typeof adapterInfo>[0] | null;
          resolve(raw ? { kind: 'adapter', adapter: adapterInfo(raw) } : { kind: 'none' });
        } catch {
          resolve({ kind: 'failed', reason: `the adapter probe printed ${JSON.stringify(stdout.slice(0, 200))}` });
        }
      },
    );
  });
}
