#!/usr/bin/env node
// better-sqlite3 for Electron. node_modules/better-sqlite3 is built for Node's ABI (the CLI,
// `ddl-lab serve` and the tests load it); the desktop app runs under Electron's ABI and loads a
// separate build from native/electron/better_sqlite3.node (main/electron/sqlite-binding.ts).
// This builds that file in a copy of the package, so node_modules is never touched: first
// better-sqlite3's prebuilt binary for this Electron (prebuild-install), else a compile with
// node-gyp against Electron's headers. Both need the internet the first time.
//   node scripts/build-sqlite-electron.mjs [--force] [--no-prebuilt] [--dist-url URL]
//   (npm run build:sqlite-electron; npm start and electron-builder's beforeBuild run it)
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const electronHeadersUrl = 'https://electronjs.org/headers';

/** What to build and where, for the Electron and better-sqlite3 installed in `root`. */
export function sqliteElectronTarget({ root = projectRoot, electronVersion, outDir } = {}) {
  const require = createRequire(join(root, 'package.json'));
  const packageDir = dirname(require.resolve('better-sqlite3/package.json'));
  outDir ??= join(root, 'native', 'electron');
  return {
    packageDir,
    electron: electronVersion ?? require('electron/package.json').version,
    betterSqlite3: JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).version,
    platform: process.platform,
    arch: process.arch,
    addon: join(outDir, 'better_sqlite3.node'),
    info: join(outDir, 'build-info.json'),
    tools: {
      prebuildInstall: require.resolve('prebuild-install/bin.js'),
      nodeGyp: require.resolve('node-gyp/bin/node-gyp.js'),
    },
  };
}

const stamp = (t) => ({ electron: t.electron, betterSqlite3: t.betterSqlite3, platform: t.platform, arch: t.arch });

/** True when native/electron holds a build for exactly this Electron, better-sqlite3, platform and arch. */
export function isUpToDate(target) {
  if (!existsSync(target.addon) || !existsSync(target.info)) return false;
  try {
    return JSON.stringify(JSON.parse(readFileSync(target.info, 'utf8'))) === JSON.stringify(stamp(target));
  } catch {
    return false;
  }
}

// npm passes its config to scripts as npm_config_* variables, and node-gyp and prebuild-install
// read them: an npmrc `nodedir` (set on machines that build offline) would make node-gyp compile
// against Node's own headers, a Node build labelled Electron. These must come from our arguments.
const overriding = ['nodedir', 'target', 'runtime', 'disturl', 'dist_url', 'arch', 'target_arch', 'devdir'];

/** The environment for node-gyp and prebuild-install, without npm settings that would override the target. */
export function toolEnv(env) {
  return Object.fromEntries(
    Object.entries(env).filter(([name]) => !overriding.some((key) => name.toLowerCase() === `npm_config_${key}`)),
  );
}

/** What a tool's output says went wrong, on one line (node-gyp prints a page of stack). */
function reasonOf(result) {
  if (result.error) return result.error.message;
  const lines = `${result.stderr ?? ''}\n${result.stdout ?? ''}`
    .split('\n')
    .map((l) => l.replace(/^(gyp (ERR!|WARN|info|http)( stack)?|prebuild-install (warn|info|http))\s*/, '').trim())
    .filter(Boolean);
  const request = lines.find((l) => /^GET https?:/.test(l));
  const start = lines.findIndex((l) => /^Error:|ENOTFOUND|ECONNREFUSED|EAI_AGAIN|ETIMEDOUT|ECONNRESET|\b404\b/.test(l));
  const error = [];
  for (let k = start; k >= 0 && k < lines.length && !lines[k].startsWith('at ') && error.length < 4; k++)
    error.push(lines[k]);
  const text = error.length > 0 ? error.join(' ') : lines.slice(-2).join(' ') || `exit code ${result.status}`;
  return request && !text.includes(request.slice(4)) ? `${request}: ${text}` : text;
}

/**
 * Builds native/electron/better_sqlite3.node unless it is up to date (or `force`). Resolves to
 * { ok: true, built } or { ok: false, message } with what failed and what to do.
 */
export function buildSqliteForElectron({
  root = projectRoot,
  electronVersion,
  outDir,
  distUrl = electronHeadersUrl,
  force = false,
  prebuilt = true,
  /** Where node-gyp keeps Electron's headers (kept between builds). */
  devDir = join(homedir(), '.electron-gyp'),
  log = (line) => process.stdout.write(`${line}\n`),
} = {}) {
  const target = sqliteElectronTarget({ root, electronVersion, outDir });
  if (!force && isUpToDate(target)) return { ok: true, built: false, addon: target.addon };
  log(
    `build-sqlite-electron: building better-sqlite3 ${target.betterSqlite3} for Electron ${target.electron} (${target.platform}-${target.arch})...`,
  );
  const work = mkdtempSync(join(tmpdir(), 'ddl-sqlite-electron-'));
  const copy = join(work, 'better-sqlite3');
  const reasons = [];
  try {
    // A copy without the Node build: whatever lands in build/Release is the Electron build.
    cpSync(target.packageDir, copy, { recursive: true, filter: (src) => src !== join(target.packageDir, 'build') });
    const built = join(copy, 'build', 'Release', 'better_sqlite3.node');
    const run = (file, args) =>
      spawnSync(process.execPath, [file, ...args], {
        cwd: copy,
        encoding: 'utf8',
        timeout: 15 * 60_000,
        env: toolEnv(process.env),
      });
    if (prebuilt) {
      const result = run(target.tools.prebuildInstall, [
        '--runtime=electron',
        `--target=${target.electron}`,
        `--arch=${target.arch}`,
        `--platform=${target.platform}`,
      ]);
      if (result.status !== 0 || !existsSync(built)) reasons.push(`prebuilt binary: ${reasonOf(result)}`);
    }
    if (!existsSync(built)) {
      const result = run(target.tools.nodeGyp, [
        'rebuild',
        '--release',
        `--target=${target.electron}`,
        `--arch=${target.arch}`,
        `--dist-url=${distUrl}`,
        `--devdir=${devDir}`,
      ]);
      if (result.status !== 0 || !existsSync(built))
        reasons.push(`node-gyp with Electron's headers (${distUrl}): ${reasonOf(result)}`);
    }
    if (!existsSync(built)) {
      return {
        ok: false,
        message: [
          `build-sqlite-electron: could not build better-sqlite3 ${target.betterSqlite3} for Electron ${target.electron}.`,
          ...reasons.map((r) => `  ${r}`),
          "It needs the internet once (better-sqlite3's prebuilt binary from GitHub, or Electron's headers from",
          `${electronHeadersUrl} and a C++ toolchain). Connect and run "npm run build:sqlite-electron" again.`,
          'The command line, "npm run serve" and the tests do not need it (they use node_modules/better-sqlite3).',
        ].join('\n'),
      };
    }
    mkdirSync(dirname(target.addon), { recursive: true });
    copyFileSync(built, `${target.addon}.tmp`);
    renameSync(`${target.addon}.tmp`, target.addon);
    writeFileSync(target.info, `${JSON.stringify(stamp(target), null, 2)}\n`);
    return { ok: true, built: true, addon: target.addon };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const distUrlAt = args.indexOf('--dist-url');
  const distUrl = distUrlAt >= 0 ? args[distUrlAt + 1] : args.find((a) => a.startsWith('--dist-url='))?.slice(11);
  const result = buildSqliteForElectron({
    force: args.includes('--force'),
    prebuilt: !args.includes('--no-prebuilt'),
    distUrl,
  });
  if (!result.ok) {
    process.stderr.write(`${result.message}\n`);
    process.exit(1);
  }
  process.stdout.write(
    `build-sqlite-electron: ${result.built ? 'built' : 'up to date'}: ${result.addon.replace(`${projectRoot}/`, '')}\n`,
  );
}
