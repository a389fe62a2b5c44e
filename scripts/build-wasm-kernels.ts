// `npm run build:wasm-kernels`: assembles app/engine/kernels/wasm/kernels-wat.ts with wabt into
// kernels-binary.ts (base64, so bundlers and electron-builder need no extra asset). The
// freshness test in app/engine/kernels/wasm re-assembles and compares.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assembleKernels, binaryModuleSource } from '../app/engine/kernels/wasm/assemble.js';
import { assembleDepthwise, depthwiseBinarySource } from '../app/engine/kernels/wasm/depthwise-assemble.js';

const target = fileURLToPath(new URL('../app/engine/kernels/wasm/kernels-binary.ts', import.meta.url));
const binaries = await assembleKernels();
writeFileSync(target, binaryModuleSource(binaries));
process.stdout.write(`wrote ${target} (${binaries.single.length} + ${binaries.shared.length} bytes of wasm)\n`);

// The depthwise kernels are a module of their own (depthwise-wat.ts).
const depthwiseTarget = fileURLToPath(new URL('../app/engine/kernels/wasm/depthwise-binary.ts', import.meta.url));
const depthwise = await assembleDepthwise();
writeFileSync(depthwiseTarget, depthwiseBinarySource(depthwise));
process.stdout.write(
  `wrote ${depthwiseTarget} (${depthwise.single.length} + ${depthwise.shared.length} bytes of wasm)\n`,
);
