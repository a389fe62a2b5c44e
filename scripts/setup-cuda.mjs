#!/usr/bin/env node
// The native TensorFlow backends, installed on purpose: they download libtensorflow (hundreds of
// MB; the GPU build also needs NVIDIA's CUDA 11.2 and cuDNN 8.1 on the machine), so a plain
// `npm install` never fetches them. `--no-save` keeps package.json and the lock file as they are;
// the next `npm install` or `npm ci` removes them again (run this once more after it).
//   npm run setup:cuda                  -> @tensorflow/tfjs-node-gpu (NVIDIA GPU, CUDA 11.2 + cuDNN 8.1)
//   npm run setup:cuda -- --cpu         -> @tensorflow/tfjs-node (libtensorflow on the CPU)
//   npm run setup:cuda -- --dry-run     -> print the npm command only
// Check which backend runs with `ddl-lab system info`.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The npm arguments that install the native backend matching the project's tfjs version. */
export function setupCudaCommand({ cpu = false, root = projectRoot } = {}) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const version = pkg.dependencies?.['@tensorflow/tfjs-core'];
  if (!version) throw new Error(`${join(root, 'package.json')} has no @tensorflow/tfjs-core dependency to match`);
  const name = cpu ? '@tensorflow/tfjs-node' : '@tensorflow/tfjs-node-gpu';
  return ['install', '--no-save', `${name}@${version}`];
}

function main(argv) {
  const cpu = argv.includes('--cpu');
  const unknown = argv.filter((a) => !['--cpu', '--dry-run'].includes(a));
  if (unknown.length > 0) {
    process.stderr.write(`setup:cuda: unknown option ${unknown.join(' ')}; use --cpu and/or --dry-run\n`);
    return 2;
  }
  if (!cpu && !(process.platform === 'linux' && process.arch === 'x64') && process.platform !== 'win32') {
    process.stderr.write(
      `setup:cuda: @tensorflow/tfjs-node-gpu has builds for Linux x64 and Windows only, not ${process.platform} ${process.arch}. ` +
        'On this machine the lab uses webgpu (Metal, Vulkan or Direct3D 12) when it finds a GPU; `npm run setup:cuda -- --cpu` installs the native CPU build.\n',
    );
    return 2;
  }
  const args = setupCudaCommand({ cpu });
  process.stdout.write(`npm ${args.join(' ')}\n`);
  if (argv.includes('--dry-run')) return 0;
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, args, { cwd: projectRoot, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) {
    process.stderr.write(
      `setup:cuda: npm install failed (exit ${result.status}). It needs the internet to download libtensorflow${cpu ? '' : ', and CUDA 11.2 with cuDNN 8.1 to run'}.\n`,
    );
    return result.status ?? 1;
  }
  process.stdout.write(
    'Installed. `ddl-lab system info` shows whether the tensorflow backend now starts, and why not.\n',
  );
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = main(process.argv.slice(2));
