import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { recorded, utilityProcess } from './test-support/fake-electron.js';
import { utilityProcessLauncher } from './utility-process-launcher.js';

vi.mock('electron', () => import('./test-support/fake-electron.js'));

// The utilityProcess run launcher behind app/train's RunProcessLauncher interface.

const root = mkdtempSync(join(tmpdir(), 'ddl-lab-utility-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// The launcher opens its log asynchronously, on libuv's pool, which the other suites in this
// process may keep busy: wait for the file before the test ends, or the clean-up above can race
// its creation (ENOTEMPTY), then let the fake exit so the stream closes.
async function logOpened(logFile: string, child: { emit(event: string, code: number): boolean }): Promise<void> {
  await vi.waitFor(() => expect(existsSync(logFile)).toBe(true), { timeout: 10_000 });
  child.emit('exit', 0);
}

describe('utilityProcess launcher', () => {
  it('forks the bundled run worker with the args and env, and relays messages and exit', async () => {
    recorded.reset();
    const launcher = utilityProcessLauncher('/app/dist/electron/run-worker.cjs');
    const run = launcher.launch({
      args: ['--data-dir', root, '--run', '4'],
      logFile: join(root, 'runs', '4', 'worker.log'),
      env: { LAB_BACKEND: 'cpu' },
    });
    const fork = recorded.utilityForks[0]!;
    expect(fork.modulePath).toBe('/app/dist/electron/run-worker.cjs');
    expect(fork.args).toEqual(['--data-dir', root, '--run', '4']);
    expect((fork.options.env as Record<string, string>).LAB_BACKEND).toBe('cpu');
    expect(fork.options.stdio).toBe('pipe');
    expect(existsSync(join(root, 'runs', '4'))).toBe(true);

    const messages: unknown[] = [];
    const exits: unknown[] = [];
    run.onMessage((m) => messages.push(m));
    run.onExit((e) => exits.push(e));
    run.send({ type: 'cancel' });
    expect(fork.child.posted).toEqual([{ type: 'cancel' }]);
    fork.child.emit('message', { type: 'run.progress', runId: 4 });
    expect(messages).toEqual([{ type: 'run.progress', runId: 4 }]);
    fork.child.emit('exit', 0);
    expect(exits).toEqual([{ code: 0, signal: null }]);
    run.send({ type: 'cancel' });
    expect(fork.child.posted).toHaveLength(1);
    await logOpened(join(root, 'runs', '4', 'worker.log'), fork.child);
  });

  it('names the process and adds the shell-wide environment (an evaluation worker under its own name)', async () => {
    recorded.reset();
    const launcher = utilityProcessLauncher('/app/dist/electron/eval-worker.cjs', {
      serviceName: 'DDL Lab evaluation',
      env: { DDL_LAB_WORKER_FLAG: 'shell' },
    });
    launcher.launch({ args: ['--data-dir', root], logFile: join(root, 'eval.log'), env: { LAB_BACKEND: 'cpu' } });
    const fork = recorded.utilityForks[0]!;
    expect(fork.modulePath).toBe('/app/dist/electron/eval-worker.cjs');
    expect(fork.options.serviceName).toBe('DDL Lab evaluation');
    expect(fork.options.env).toMatchObject({ DDL_LAB_WORKER_FLAG: 'shell', LAB_BACKEND: 'cpu' });
    utilityProcessLauncher('/w.cjs').launch({ args: [], logFile: join(root, 'run.log') });
    expect(recorded.utilityForks[1]!.options.serviceName).toBe('DDL Lab run');
    await logOpened(join(root, 'eval.log'), fork.child);
    await logOpened(join(root, 'run.log'), recorded.utilityForks[1]!.child);
  });

  it('kills by force with SIGKILL (no chance to checkpoint)', async () => {
    recorded.reset();
    const sleeper = spawn('sleep', ['30']);
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      sleeper.once('exit', (_code, signal) => resolve(signal)),
    );
    utilityProcess.nextPid = sleeper.pid;
    const run = utilityProcessLauncher('/w.cjs').launch({ args: [], logFile: join(root, 'kill.log') });
    utilityProcess.nextPid = undefined;
    expect(run.pid).toBe(sleeper.pid);
    run.kill();
    expect(await exited).toBe('SIGKILL');
    await logOpened(join(root, 'kill.log'), recorded.utilityForks[0]!.child);
  });
});
