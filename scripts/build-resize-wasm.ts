// `npx tsx scripts/build-resize-wasm.ts`: assembles app/data/resize-wat.ts with wabt into
// resize-wasm-binary.ts (base64, so bundlers and electron-builder need no extra asset). The
// freshness test in app/data/resize-rgb.test.ts re-assembles and compares.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assembleResizeWasm, resizeBinarySource } from '../app/data/resize-wasm-assemble.js';

const target = fileURLToPath(new URL('../app/data/resize-wasm-binary.ts', import.meta.url));
const bytes = await assembleResizeWasm();
writeFileSync(target, resizeBinarySource(bytes));
process.stdout.write(`wrote ${target} (${bytes.length} bytes of wasm)\n`);
