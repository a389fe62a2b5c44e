import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The code a run was trained with: the package version, plus the git commit (and "+changes" when
// the work tree differs) in a source checkout. Recorded once per run at creation.

let cached: string | undefined;

function packageRoot(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function git(root: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    }).trim();
  } catch {
    return undefined; // no git, or not a checkout (an installed app)
  }
}

export function codeVersion(): string {
  if (cached !== undefined) return cached;
  const root = packageRoot();
  if (!root) return (cached = 'unknown');
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version;
  const commit = existsSync(join(root, '.git')) ? git(root, ['rev-parse', '--short=12', 'HEAD']) : undefined;
  const dirty = commit ? git(root, ['status', '--porcelain', '--untracked-files=no']) : undefined;
  cached = `${version ?? 'unknown'}${commit ? ` (${commit}${dirty ? '+changes' : ''})` : ''}`;
  return cached;
}
