import type * as tf from '@tensorflow/tfjs';
import { replacedKernel, type TensorInfo } from './kernel-runner.js';

// tfjs-wasm's Identity copies the data; tf.clone, customGrad's saved tensors and optimizer
// updates all go through it (~110 full copies per ir-lite step). tfjs tensors are immutable, so
// sharing the data with a reference count — what the cpu backend and wasm's own Reshape do — is
// enough.

export function identityShared(
  args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap },
  backendName: string,
): TensorInfo {
  const x = args.inputs.x as TensorInfo;
  if (x.dtype === 'string') {
    const stock = replacedKernel('Identity', backendName);
    if (!stock) throw new Error(`Identity on ${backendName}: the stock kernel is missing`);
    return stock.kernelFunc(args) as TensorInfo;
  }
  (args.backend as tf.KernelBackend & { incRef(dataId: tf.DataId): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}
