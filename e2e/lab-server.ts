import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base } from '@playwright/test';

export interface LabServer {
  url: string;
  origin: string;
  token: string;
  dataDir: string;
}

// Starts a real `ddl-lab serve` on a free port, with a fresh data directory unless given one.
export async function startLabServer(
  dataDir = mkdtempSync(join(tmpdir(), 'ddl-lab-e2e-')),
): Promise<{ lab: LabServer; child: ChildProcess }> {
  const child = spawn(process.execPath, ['bin/ddl-lab.js', 'serve', '--port', '0', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DDL_LAB_DATA_DIR: dataDir },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    let stdout = '';
    const timer = setTimeout(
      () => reject(new Error(`ddl-lab serve did not print its URL in 60 s.\n${stderr}`)),
      60_000,
    );
    child.stdout?.on('data', (chunk) => {
      stdout += String(chunk);
      const match = /serving at (http:\/\/\S+)/.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`ddl-lab serve exited with ${code}.\n${stderr}`));
    });
  });
  const parsed = new URL(url);
  return { lab: { url, origin: parsed.origin, token: parsed.searchParams.get('token') ?? '', dataDir }, child };
}

async function withLabServer(use: (lab: LabServer) => Promise<void>): Promise<void> {
  const { lab, child } = await startLabServer();
  await use(lab);
  child.kill('SIGTERM');
  rmSync(lab.dataDir, { recursive: true, force: true });
}

/** One server per worker, shared by the tests it runs (they must not depend on an empty lab). */
export const test = base.extend<object, { lab: LabServer }>({
  lab: [async ({}, use) => withLabServer(use), { scope: 'worker' }],
});

/** A server of its own for each test: for walks that start from an empty lab, as a new user does. */
export const freshLabTest = base.extend<{ lab: LabServer }>({
  lab: async ({}, use) => withLabServer(use),
});

export { expect } from '@playwright/test';
