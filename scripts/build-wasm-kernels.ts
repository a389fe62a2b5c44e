// `npm run build:wasm-kernels`: assembles app/engine/kernels/wasm/conv-grad-wat.ts with wabt into
// conv-grad-binary.ts (base64, so bundlers and electron-builder need no extra asset). The
// freshness test in app/engine/kernels/wasm re-assembles and compares.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assembleConvGrad, binaryModuleSource } from '../app/engine/kernels/wasm/assemble.js';

const target = fileURLToPath(new URL('../app/engine/kernels/wasm/conv-grad-binary.ts', import.meta.url));
const binaries = await assembleConvGrad();
writeFileSync(target, binaryModuleSource(binaries));
process.stdout.write(`wrote ${target} (${binaries.single.length} + ${binaries.shared.length} bytes of wasm)\n`);
