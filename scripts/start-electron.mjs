#!/usr/bin/env node
// `npm start`: build the renderer, the Electron bundles and better-sqlite3 for Electron's ABI
// (native/electron, once per Electron version), then launch Electron.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    const dir = dirname(require.resolve('electron/package.json'));
    const pathFile = join(dir, 'path.txt');
    if (!existsSync(pathFile)) return { dir };
    const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
    return existsSync(binary) ? { dir, binary } : { dir };
  } catch {
    return {};
  }
}

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

let electron = electronBinary();
if (!electron.binary && electron.dir) {
  // Electron fetches its binary on first use; try once, then explain what to do.
  process.stdout.write('DDL Lab: downloading the Electron binary (first start)...\n');
  const install = spawnSync(process.execPath, [join(electron.dir, 'install.js')], { encoding: 'utf8' });
  electron = electronBinary();
  const reason = `${install.stderr ?? ''}`
    .split('\n')
    .map((line) => line.trim())
    .find((line) => /error|failed/i.test(line));
  if (!electron.binary && reason) process.stderr.write(`Electron's download failed: ${reason}\n`);
}
if (!electron.binary) {
  process.stderr.write(
    [
      '',
      'DDL Lab: the Electron binary is not installed, so the desktop app cannot start.',
      'Electron downloads it from GitHub the first time it runs; this machine could not reach it.',
      'On a machine with internet, run "npm install" again. On a headless or offline machine use',
      '"npm run serve" (the same UI in your browser) or "npm run demo" (the main job in the terminal).',
      '',
    ].join('\n'),
  );
  process.exit(1);
}

run('npx', ['vite', 'build', '--logLevel', 'warn']);
run(process.execPath, ['scripts/build-electron.mjs']);
// Skipped when native/electron already holds the build for this Electron; says what to do when it fails.
run(process.execPath, ['scripts/build-sqlite-electron.mjs']);
// `electron .` starts package.json's main (dist/electron/main.cjs) with the project root as the app path.
const child = spawn(electron.binary, ['.'], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
