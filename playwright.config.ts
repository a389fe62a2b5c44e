import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './e2e/chromium.js';

// End-to-end tests drive Debian's Chromium against `ddl-lab serve` (README.md#test-it).
// The labs they make keep their pixel caches in a temp folder, not the user's ~/.cache/ddl-lab:
// the servers and CLI commands the specs start inherit XDG_CACHE_HOME (a fixed path, so the
// runner and its workers, which load this file again, agree).
process.env.XDG_CACHE_HOME = join(tmpdir(), 'ddl-lab-e2e-caches');
export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results/e2e',
  timeout: 300_000,
  workers: 1,
  reporter: [['list'], ['json', { outputFile: '.test-results/playwright.json' }]],
  use: {
    launchOptions: chromiumLaunchOptions(),
    screenshot: 'only-on-failure',
    viewport: { width: 1400, height: 900 },
  },
});
