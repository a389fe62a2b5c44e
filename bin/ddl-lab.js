#!/usr/bin/env node
// The `ddl-lab` command. From a source checkout it runs the TypeScript through tsx;
// a packaged build runs the compiled JavaScript in dist/node.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = new URL('../main/cli/index.ts', import.meta.url);
const built = new URL('../dist/node/main/cli/index.js', import.meta.url);

if (existsSync(fileURLToPath(source))) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import(built.href);
}
