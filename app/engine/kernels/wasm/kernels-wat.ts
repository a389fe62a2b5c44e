import { channelFunctions } from './channel-wat.js';
import { convForwardFunctions } from './conv-forward-wat.js';
import { convGradFunctions } from './conv-grad-wat.js';
import { gemmFunctions } from './gemm-wat.js';
import { histogramFunctions } from './histogram-wat.js';
import { optimizerFunctions } from './optimizer-wat.js';

// The one WebAssembly module of our training kernels: conv gradients (conv-grad-wat.ts),
// transposed matrix products (gemm-wat.ts), fused per-channel passes for BatchNorm and PReLU
// (channel-wat.ts), the SGD update (optimizer-wat.ts) and the soft histogram's Gaussian kernel
// (histogram-wat.ts), on tfjs-wasm's own memory. Text, not a binary, so
// the source is readable; scripts/build-wasm-kernels.ts assembles it with wabt into
// kernels-binary.ts, and a test checks that file is current.

/** The module's text; `shared` imports the threaded build's shared memory. */
export function kernelsWat(options: { shared: boolean }): string {
  const memory = options.shared ? '(memory 1 65536 shared)' : '(memory 1)';
  return `(module
  (import "env" "memory" ${memory})
  ${convGradFunctions}
  ${convForwardFunctions}
  ${gemmFunctions}
  ${channelFunctions}
  ${optimizerFunctions}
  ${histogramFunctions}
)
`;
}
