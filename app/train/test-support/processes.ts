import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Real processes for the run-process tests: a stand-in app supervising a run, and polling.

/** Starts supervisor-process.ts for `runId`; resolves with it and its worker's pid. */
export async function startSupervisorProcess(
  dataDir: string,
  runId: number,
): Promise<{ supervisor: ChildProcess; workerPid: number }> {
  const script = fileURLToPath(new URL('./supervisor-process.ts', import.meta.url));
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const supervisor = spawn(process.execPath, ['--import', tsx, script, '--data-dir', dataDir, '--run', String(runId)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const workerPid = await new Promise<number>((resolve, reject) => {
    let out = '';
    supervisor.stdout?.on('data', (chunk) => {
      out += String(chunk);
      const match = /worker (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    supervisor.once('exit', (code) => reject(new Error(`the supervisor process exited with ${code}: ${out}`)));
  });
  return { supervisor, workerPid };
}

/** Polls `test` every 50 ms until it returns a value other than undefined; throws after `timeoutMs`. */
export async function waitUntil<T>(what: string, test: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = test();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
