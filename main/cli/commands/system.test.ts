import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { adaptersForTests, webgpuTestEnv } from '../../../app/engine/webgpu-test-env.js';

// `ddl-lab system info --json` on the real command: the backend, every backend tried with its
// reason, the adapter, and how to get a faster backend.

const root = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);
const adapters = await adaptersForTests();

async function systemInfo(env: Record<string, string>) {
  const { stdout } = await run(process.execPath, ['bin/ddl-lab.js', 'system', 'info', '--json'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, VITEST: '', LAB_GPU: '', ...env },
  });
  return JSON.parse(stdout) as {
    backend: string;
    adapter: { software: boolean; description: string } | null;
    backends: { name: string; used: boolean; reason: string }[];
    fasterHint: string | null;
  };
}

describe('ddl-lab system info', () => {
  it('reports the forced backend, why it was used, no adapter, and how to get a faster one', async () => {
    const info = await systemInfo({ LAB_BACKEND: 'cpu' });
    expect(info.backend).toBe('cpu');
    expect(info.backends).toEqual([{ name: 'cpu', used: true, reason: 'LAB_BACKEND=cpu forces it' }]);
    expect(info.adapter).toBeNull();
    expect(info.fasterHint).toMatch(/cpu runs on the CPU.*npm run setup:cuda/);
  });

  it.skipIf(adapters.length === 0)(
    `LAB_BACKEND=webgpu reports webgpu with its adapter${adapters.length === 0 ? ' (skipped: Dawn finds no adapter at all)' : ''}`,
    async () => {
      const info = await systemInfo({ LAB_BACKEND: 'webgpu', ...webgpuTestEnv() });
      expect(info.backend).toBe('webgpu');
      expect(info.adapter).toMatchObject({ software: expect.any(Boolean), description: expect.any(String) });
      expect(info.backends).toEqual([{ name: 'webgpu', used: true, reason: 'LAB_BACKEND=webgpu forces it' }]);
    },
    300_000,
  );
});
