import * as tf from '@tensorflow/tfjs';

// tfjs-backend-webgpu's AddN binds every input as a storage buffer in one shader, and WebGPU allows
// 8 per stage by default: the trainer's gradient norm sums one term per parameter (59 for
// ir-lite), and Dawn rejects the pipeline. This AddN sums in chunks the device can bind, with the
// stock kernel (Concat already does the same inside tfjs).

let installed = false;

type Backend = tf.KernelBackend & { device: { limits: { maxStorageBuffersPerShaderStage: number } } };

export function installWebgpuAddN(): void {
  const stock = tf.getKernel(tf.AddN, 'webgpu');
  if (installed || !stock) return;
  tf.unregisterKernel(tf.AddN, 'webgpu');
  tf.registerKernel({
    kernelName: tf.AddN,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const limit = Math.max(2, (backend as Backend).device.limits.maxStorageBuffersPerShaderStage - 1);
      const add = (list: tf.TensorInfo[]) =>
        stock.kernelFunc({ inputs: list as unknown as tf.NamedTensorInfoMap, backend, attrs }) as tf.TensorInfo;
      let list = inputs as unknown as tf.TensorInfo[];
      const partial: tf.TensorInfo[] = [];
      while (list.length > limit) {
        const next: tf.TensorInfo[] = [];
        for (let i = 0; i < list.length; i += limit) {
          const chunk = list.slice(i, i + limit);
          if (chunk.length === 1) next.push(chunk[0]!);
          else {
            const sum = add(chunk);
            partial.push(sum);
            next.push(sum);
          }
        }
        list = next;
      }
      const result = add(list);
      for (const t of partial) (backend as Backend).disposeData(t.dataId);
      return result;
    },
  });
  installed = true;
}
