import { measureFunc } from './measure-wat.js';
import { resizeFuncs } from './resize-wat.js';

/** The pixel module's text (pixel-wasm.ts loads it), assembled at build time into pixel-wasm-binary.ts. */
export const pixelWat = `(module
  (memory (export "memory") 32)
${resizeFuncs}
${measureFunc}
)
`;
