import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fasterHint } from './backend.js';
import { adapterInfo, describeAdapter, gpuSelection, isSoftwareAdapter, parseAdapterList } from './webgpu-adapter.js';
import { adaptersForTests, webgpuTestEnv } from './webgpu-test-env.js';

// The webgpu link of the backend chain, on whatever adapter Dawn finds (SwiftShader here and in CI).
// Each case is a fresh process: a backend is chosen once per process.

const adapters = await adaptersForTests();
const noAdapter = adapters.length === 0;
const backendModule = fileURLToPath(new URL('./backend.ts', import.meta.url));

function runWithBackend(env: Record<string, string>, body = '') {
  const script = `
    import * as tf from '@tensorflow/tfjs';
    import { initBackend } from ${JSON.stringify(backendModule)};
    try {
      const info = await initBackend();
      ${body}
      console.log(JSON.stringify({ info }));
    } catch (error) {
      console.log(JSON.stringify({ error: error.message }));
    }`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: { ...process.env, VITEST: '', LAB_GPU: '', LAB_BACKEND: '', ...webgpuTestEnv(), ...env },
    encoding: 'utf8',
    timeout: 90_000,
  });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as {
    info?: {
      name: string;
      gpu: boolean;
      adapter: { software: boolean; vendor: string; description: string } | null;
      tried: { name: string; error?: string }[];
      detail: string;
      sum?: number;
    };
    error?: string;
  };
}

describe('webgpu adapters', () => {
  it('tells software adapters from GPUs by Dawn fallback flag and by name', () => {
    const base = { vendor: 'google', architecture: 'swiftshader', device: '', description: 'SwiftShader driver 5.0.0' };
    expect(isSoftwareAdapter(base)).toBe(true);
    expect(
      isSoftwareAdapter({ ...base, vendor: 'mesa', architecture: '', description: 'llvmpipe (LLVM 19.1.7)' }),
    ).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'nvidia', architecture: 'ampere', device: '', description: 'RTX 3060' })).toBe(
      false,
    );
    expect(
      isSoftwareAdapter({ vendor: 'x', architecture: '', device: '', description: 'y', isFallbackAdapter: true }),
    ).toBe(true);
    expect(describeAdapter({ ...base, software: true })).toBe(
      'google swiftshader, SwiftShader driver 5.0.0, software adapter',
    );
  });

  it("records Dawn's adapter info (or the probe's copy): missing names empty, software by flag or name", () => {
    expect(adapterInfo({ vendor: 'nvidia', description: 'RTX 3060' })).toEqual({
      vendor: 'nvidia',
      architecture: '',
      device: '',
      description: 'RTX 3060',
      software: false,
    });
    expect(adapterInfo({ vendor: 'nvidia', isFallbackAdapter: true }).software).toBe(true);
    expect(adapterInfo({ description: 'llvmpipe (LLVM 19.1.7)' })).not.toHaveProperty('isFallbackAdapter');
    expect(adapterInfo({ description: 'llvmpipe (LLVM 19.1.7)' }).software).toBe(true);
  });

  it('reads LAB_GPU as a power preference, an index or part of a name, and parses Dawn adapter list', () => {
    expect(gpuSelection({})).toEqual({ kind: 'default' });
    expect(gpuSelection({ LAB_GPU: 'low-power' })).toEqual({ kind: 'power', preference: 'low-power' });
    expect(gpuSelection({ LAB_GPU: '1' })).toEqual({ kind: 'index', index: 1 });
    expect(gpuSelection({ LAB_GPU: 'RTX' })).toEqual({ kind: 'name', name: 'RTX' });
    const message =
      "no suitable backends found\nAvailable adapters:\n * backend: 'vulkan', name: 'SwiftShader Device (Subzero)'\n * backend: 'vulkan', name: 'NVIDIA GeForce RTX 3060'\n";
    expect(parseAdapterList(message)).toEqual([
      { backend: 'vulkan', name: 'SwiftShader Device (Subzero)' },
      { backend: 'vulkan', name: 'NVIDIA GeForce RTX 3060' },
    ]);
  });

  it('says how to get a faster backend only when no GPU computes', () => {
    expect(fasterHint({ name: 'tensorflow', gpu: true, tried: [] })).toBeNull();
    const hint = fasterHint({ name: 'wasm', gpu: false, tried: [{ name: 'webgpu', error: 'Dawn found no adapter' }] });
    expect(hint).toMatch(/wasm runs on the CPU \(webgpu: Dawn found no adapter\)/);
    expect(hint).toMatch(/npm run setup:cuda/);
  });
});

describe.skipIf(noAdapter)(
  noAdapter ? 'webgpu backend (skipped: Dawn finds no adapter at all on this machine)' : 'webgpu backend',
  () => {
    it('LAB_BACKEND=webgpu runs on the adapter, software included, computes a convolution and exits', () => {
      const { info, error } = runWithBackend(
        { LAB_BACKEND: 'webgpu' },
        `info.sum = (await tf.conv2d(tf.ones([2, 8, 8, 3]), tf.ones([3, 3, 3, 4]), 1, 'same').sum().data())[0];`,
      );
      expect(error).toBeUndefined();
      expect(info!.name).toBe('webgpu');
      expect(info!.tried).toEqual([{ name: 'webgpu' }]);
      expect(info!.adapter).toMatchObject({ software: expect.any(Boolean), vendor: expect.any(String) });
      expect(info!.gpu).toBe(!info!.adapter!.software);
      expect(info!.detail).toMatch(/^webgpu \(.*(software|hardware) adapter\)$/);
      expect(info!.sum).toBe(2 * 4 * (36 * 27 + 24 * 18 + 4 * 12));
    });

    it('the automatic chain takes a software adapter only when forced: on SwiftShader it goes on to wasm', () => {
      const { info } = runWithBackend({});
      const software = adapters.every((name) => /swiftshader|llvmpipe|lavapipe/i.test(name));
      if (!software) return; // a real GPU here: the chain rightly stops at webgpu (first test covers it)
      expect(info!.name).toBe('wasm');
      const webgpu = info!.tried.find((t) => t.name === 'webgpu');
      expect(webgpu?.error).toMatch(/software adapter: slower than wasm, so it runs only with LAB_BACKEND=webgpu/);
    });

    it('LAB_GPU picks an adapter by number or by part of its name, and names the adapters when none matches', () => {
      const byName = runWithBackend({ LAB_BACKEND: 'webgpu', LAB_GPU: adapters[0]!.slice(0, 6).toLowerCase() });
      expect(byName.info?.name).toBe('webgpu');
      expect(runWithBackend({ LAB_BACKEND: 'webgpu', LAB_GPU: '0' }).info?.name).toBe('webgpu');
      const missing = runWithBackend({ LAB_BACKEND: 'webgpu', LAB_GPU: '7' });
      expect(missing.error).toMatch(/webgpu: LAB_GPU=7: no adapter number 7; adapters: 0: /);
      expect(missing.error).toContain(adapters[0]);
      expect(missing.error).toMatch(/unset LAB_BACKEND or install what webgpu needs/);
    });
  },
);
