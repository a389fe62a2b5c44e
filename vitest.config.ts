import { defineConfig } from 'vitest/config';

// Unit and integration tests: real SQLite files, real sharp decodes, real tfjs (wasm) steps.
// Forks, not threads: tfjs-wasm and native addons are happiest one per process.
export default defineConfig({
  test: {
    include: ['app/**/*.test.ts', 'main/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', 'e2e/**'],
    // Pixel caches of the tests' labs go to a temp folder, never the user's ~/.cache/ddl-lab.
    setupFiles: ['test/setup/isolated-cache-folder.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
