import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// For tests: the real `ddl-lab` process (bin/ddl-lab.js from the project root, one compute thread),
// its exit code and everything it printed.

export const projectRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/ddl-lab.js', ...args], {
      cwd: projectRoot,
      env: { ...process.env, LAB_THREADS: '1', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
