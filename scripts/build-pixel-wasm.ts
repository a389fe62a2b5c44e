// `npx tsx scripts/build-pixel-wasm.ts`: assembles app/data's pixel module (pixel-wat.ts: resize-wat.ts
// and measure-wat.ts) with wabt into pixel-wasm-binary.ts (base64, so bundlers and electron-builder need no extra asset). The
// freshness test in app/data/pixel-wasm.test.ts re-assembles and compares.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assemblePixelWasm, pixelBinarySource } from '../app/data/pixel-wasm-assemble.js';

const target = fileURLToPath(new URL('../app/data/pixel-wasm-binary.ts', import.meta.url));
const bytes = await assemblePixelWasm();
writeFileSync(target, pixelBinarySource(bytes));
process.stdout.write(`wrote ${target} (${bytes.length} bytes of wasm)\n`);
