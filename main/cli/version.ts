import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../project-root.js';

// `ddl-lab --version`: the version in the package's package.json (source checkout or built package).
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string') throw new Error(`package.json in ${projectRoot()} has no version`);
  return pkg.version;
}
