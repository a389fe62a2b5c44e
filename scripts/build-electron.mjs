#!/usr/bin/env node
// Bundles main/electron (main process + preload) into dist/electron with esbuild.
// Native modules and tfjs stay external: they load from node_modules at run time.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const entries = { main: 'main/electron/main.ts', preload: 'main/electron/preload.ts' };
for (const [name, entry] of Object.entries(entries)) {
  if (!existsSync(entry)) {
    process.stderr.write(`build-electron: ${entry} does not exist yet.\n`);
    process.exit(1);
  }
  await build({
    entryPoints: [entry],
    outfile: `dist/electron/${name}.cjs`,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: true,
    external: ['electron', 'better-sqlite3', 'sharp', '@tensorflow/*'],
  });
}
