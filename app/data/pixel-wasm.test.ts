import { describe, expect, it } from 'vitest';
import { assemblePixelWasm } from './pixel-wasm-assemble.js';
import * as committed from './pixel-wasm-binary.js';

describe('pixel-wasm-binary.ts', () => {
  it('is what scripts/build-pixel-wasm.ts assembles from pixel-wat.ts today (run `npx tsx scripts/build-pixel-wasm.ts` after editing resize-wat.ts or measure-wat.ts)', async () => {
    expect(Buffer.from(await assemblePixelWasm()).toString('base64')).toBe(committed.pixelWasmBinary);
  });
});
