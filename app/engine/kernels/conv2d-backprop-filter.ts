import * as tf from '@tensorflow/tfjs';
import { KernelRunner, replacedKernel, type TensorInfo } from './kernel-runner.js';

// dW[ky,kx,ci,co] = Σ_{n,oy,ox} x[n, oy·s+ky−pt, ox·s+kx−pl, ci] · dy[n,oy,ox,co]
// is a stride-1 convolution of x with batch and channel axes swapped ([ci,H,W,n]) by dy laid out
// as a filter ([OH,OW,n,co]) dilated by the forward stride: the output [ci,kh,kw,co] is dW.
// One conv through XNNPACK instead of tfjs-wasm's missing kernel or tfjs-cpu's scalar loops.

export function conv2dBackpropFilter(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }, backendName: string): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const format = tf.backend_util.convertConv2DDataFormat(dataFormat);
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, format);
  if (info.dataFormat !== 'channelsLast') {
    const stock = replacedKernel(tf.Conv2DBackpropFilter, backendName);
    if (stock) return stock.kernelFunc(args) as TensorInfo;
    throw new Error(`Conv2DBackpropFilter on ${backendName}: dataFormat ${dataFormat} is not supported; use NHWC`);
  }
  const { inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth, padInfo } = info;
  const run = new KernelRunner(backend, backendName);
  const xT = run.transpose(x, [3, 1, 2, 0]);
  const dyT = run.transpose(dy, [1, 2, 0, 3]);
  // Bottom/right padding that makes the output exactly kh×kw; negative means "crop the input".
  const bottom = filterHeight + (outHeight - 1) * strideHeight - inHeight - padInfo.top;
  const right = filterWidth + (outWidth - 1) * strideWidth - inWidth - padInfo.left;
  const grad = run.conv2d(xT, dyT, { top: padInfo.top, bottom, left: padInfo.left, right }, [strideHeight, strideWidth]);
  return run.finish(run.transpose(grad, [1, 2, 0, 3]));
}
