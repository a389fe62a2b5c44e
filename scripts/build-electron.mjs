#!/usr/bin/env node
// Bundles the Electron side with esbuild: main process, preload, the run and evaluation workers
// that utilityProcess starts, and the import's decode thread (a worker_threads module). Native modules and tfjs stay external (loaded from node_modules at run
// time, so the output folder must sit inside the project). The preload bundles everything but
// `electron`, because a sandboxed preload may require nothing else; the build fails otherwise.
//   node scripts/build-electron.mjs            -> dist/electron/{main,preload,run-worker,eval-worker,decode-worker}.cjs
//   import { buildElectron } from '...'         -> the same into another folder (tests)
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const nodeExternals = ['electron', 'better-sqlite3', 'sharp', '@tensorflow/*', 'tsx', 'ws', 'webgpu', 'koffi'];

const targets = [
  { name: 'main', entry: 'main/electron/main.ts', node: true },
  { name: 'preload', entry: 'main/electron/preload.ts', node: false },
  { name: 'run-worker', entry: 'app/train/run-worker.ts', node: true },
  { name: 'eval-worker', entry: 'app/eval/run/eval-worker.ts', node: true },
  { name: 'decode-worker', entry: 'app/data/decode-worker.ts', node: true },
];

function preloadRequires(file) {
  return [...readFileSync(file, 'utf8').matchAll(/require\("([^"]+)"\)/g)]
    .map((m) => m[1])
    .filter((name) => name !== 'electron');
}

/** Builds every bundle into `outDir`; returns the problems (empty when all built). */
export async function buildElectron(outDir = join(projectRoot, 'dist', 'electron')) {
  mkdirSync(outDir, { recursive: true });
  // ESM sources use import.meta.url; in a CommonJS bundle it becomes the bundle's own URL.
  const shim = join(outDir, 'import-meta-url-shim.js');
  writeFileSync(shim, "export const importMetaUrl = require('node:url').pathToFileURL(__filename).href;\n");
  const problems = [];
  for (const target of targets) {
    const entry = join(projectRoot, target.entry);
    const outfile = join(outDir, `${target.name}.cjs`);
    if (!existsSync(entry)) {
      problems.push(`${target.entry} does not exist.`);
      continue;
    }
    try {
      await build({
        entryPoints: [entry],
        outfile,
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        sourcemap: true,
        logLevel: 'silent',
        external: target.node ? nodeExternals : ['electron'],
        ...(target.node ? { define: { 'import.meta.url': 'importMetaUrl' }, inject: [shim] } : {}),
      });
    } catch (error) {
      const messages = (error.errors ?? [error]).map(
        (e) => `  ${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text ?? e.message}`,
      );
      problems.push(`${target.entry} failed to bundle:\n${messages.join('\n')}`);
      continue;
    }
    if (!target.node) {
      const extra = preloadRequires(outfile);
      if (extra.length > 0)
        problems.push(`the sandboxed preload may require only "electron", but requires ${extra.join(', ')}.`);
    }
  }
  return problems;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const problems = await buildElectron();
  for (const problem of problems) process.stderr.write(`build-electron: ${problem}\n`);
  if (problems.length === 0)
    process.stdout.write(`build-electron: ${targets.map((t) => `dist/electron/${t.name}.cjs`).join(', ')}\n`);
  process.exit(problems.length > 0 ? 1 : 0);
}
