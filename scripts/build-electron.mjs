#!/usr/bin/env node
// Bundles the Electron side into dist/electron with esbuild: main process, preload, and the run
// worker that utilityProcess starts. Native modules and tfjs stay external (loaded from
// node_modules at run time). The preload bundles everything but `electron`, because a sandboxed
// preload may require nothing else; the build fails if anything else slips in.
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const nodeExternals = ['electron', 'better-sqlite3', 'sharp', '@tensorflow/*', 'tsx', 'ws'];

// ESM sources use import.meta.url; in a CommonJS bundle it becomes the bundle's own URL.
mkdirSync('dist/electron', { recursive: true });
const shim = 'dist/electron/import-meta-url-shim.js';
writeFileSync(shim, "export const importMetaUrl = require('node:url').pathToFileURL(__filename).href;\n");

const targets = [
  { name: 'main', entry: 'main/electron/main.ts', node: true },
  { name: 'preload', entry: 'main/electron/preload.ts', node: false },
  // Optional until the runs issue's worker and everything it imports exist.
  { name: 'run-worker', entry: 'app/train/run-worker.ts', node: true, optional: true },
];

function preloadRequires(file) {
  return [...readFileSync(file, 'utf8').matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]).filter((name) => name !== 'electron');
}

let failed = false;
for (const target of targets) {
  const outfile = `dist/electron/${target.name}.cjs`;
  if (!existsSync(target.entry)) {
    process.stderr.write(`build-electron: ${target.entry} does not exist${target.optional ? ' yet; skipped' : ''}.\n`);
    if (!target.optional) failed = true;
    continue;
  }
  try {
    await build({
      entryPoints: [target.entry],
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
    const messages = (error.errors ?? [error]).map((e) => `  ${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text ?? e.message}`);
    process.stderr.write(`build-electron: ${target.entry} ${target.optional ? 'cannot be bundled yet; skipped' : 'failed to bundle'}:\n${messages.join('\n')}\n`);
    if (!target.optional) failed = true;
    continue;
  }
  if (!target.node) {
    const extra = preloadRequires(outfile);
    if (extra.length > 0) {
      process.stderr.write(`build-electron: the sandboxed preload may require only "electron", but requires ${extra.join(', ')}.\n`);
      failed = true;
      continue;
    }
  }
  process.stdout.write(`build-electron: ${outfile}\n`);
}
process.exit(failed ? 1 : 0);
