import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runConfigInputSchema, trainerRunConfigSchema } from './index.js';

// The vocabulary is bundled into the renderer through the contract: it must stay zod-only, set zod
// up for a page before building a schema, and say the same thing to a client and to a config file.

const folder = import.meta.dirname;
const sources = readdirSync(folder).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

function importedModules(source: string): string[] {
  const specifiers = [...source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'";]*?from\s+'([^']+)'/g)].map((m) => m[1]!);
  const bare = [...source.matchAll(/(?:^|\n)\s*import\s+'([^']+)'/g)].map((m) => m[1]!);
  return [...specifiers, ...bare];
}

describe('app/vocabulary', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('imports nothing but zod and its own files', () => {
    expect(sources.length).toBeGreaterThan(5);
    for (const file of sources) {
      const modules = importedModules(readFileSync(join(folder, file), 'utf8'));
      expect(modules.length, file).toBeGreaterThan(0);
      for (const name of modules) expect(name, `${file} imports ${name}`).toMatch(/^(zod|\.\/[a-z-]+\.js)$/);
    }
  });

  it('builds every schema with the zod it sets up (no file takes zod directly but zod.ts)', () => {
    const direct = sources.filter(
      (f) => f !== 'zod.ts' && importedModules(readFileSync(join(folder, f), 'utf8')).includes('zod'),
    );
    expect(direct).toEqual([]);
  });

  it('turns off zod’s eval-based parser in a page (its CSP has no unsafe-eval)', async () => {
    vi.resetModules();
    vi.stubGlobal('document', {});
    const { z } = await import('./zod.js');
    expect(z.config().jitless).toBe(true);
  });

  it('refuses a bad field of a run config in the same words for a client and for a config file', () => {
    const fields = { batchSize: 1, steps: 10, lr: 0, backbone: { name: 'ir-lite' }, head: { type: 'arcface' } };
    const input = runConfigInputSchema.safeParse({ datasetId: '1', splitId: '2', ...fields });
    const file = trainerRunConfigSchema.safeParse(fields);
    const messages = (issues: Array<{ path: PropertyKey[]; message: string }> | undefined) =>
      (issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages(input.error?.issues)).toEqual([
      'batchSize: batch size must be at least 2, got 1',
      'lr: learning rate must be positive, got 0',
    ]);
    expect(messages(file.error?.issues)).toEqual(messages(input.error?.issues));
  });
});
