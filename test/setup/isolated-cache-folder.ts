import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

// Tests make labs in temp data folders, and a lab's pixel caches go to the platform's per-user
// cache folder (~/.cache/ddl-lab): never the real one of whoever runs the tests. Each test file
// gets its own temp cache root, set in the environment so that the CLI, server and worker
// processes the tests start use it too. env-paths reads XDG_CACHE_HOME on Linux only; on macOS
// and Windows DDL_LAB_CACHE_DIR points there instead. Tests of the default location set their own.
const root = mkdtempSync(join(tmpdir(), 'ddl-test-caches-'));
process.env.XDG_CACHE_HOME = root;
if (process.platform === 'darwin' || process.platform === 'win32')
  process.env.DDL_LAB_CACHE_DIR = join(root, 'ddl-lab');

afterAll(() => rmSync(root, { recursive: true, force: true }));
