import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cacheLocation } from '../app/data/cache-location.js';

// The vitest setup file (test/setup/isolated-cache-folder.ts) keeps every test's pixel caches out
// of the user's cache folder, in this process and in the commands tests start.
const root = fileURLToPath(new URL('..', import.meta.url));

describe('test cache isolation', () => {
  it('puts the pixel caches of any data folder in a temp folder, here and in a child ddl-lab', () => {
    const dataDir = join(tmpdir(), 'ddl-isolation-lab');
    expect(cacheLocation(dataDir).dir.startsWith(join(tmpdir(), 'ddl-test-caches-'))).toBe(true);
    const check = spawnSync(process.execPath, ['bin/ddl-lab.js', 'lab', 'check', '--json', '--data-dir', dataDir], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(check.status, check.stderr).toBe(0);
    expect((JSON.parse(check.stdout) as { cacheDir: string }).cacheDir).toBe(cacheLocation(dataDir).dir);
  });
});
