import * as tf from '@tensorflow/tfjs';
import { quietCpuBackend } from './backend.js';

// Helpers for the parity tests: run the same computation on a named backend and compare.

/** max |a − b| / max |b|: the error relative to the reference's scale. */
export function relativeError(actual: ArrayLike<number>, reference: ArrayLike<number>): number {
  if (actual.length !== reference.length) throw new Error(`length ${actual.length} vs reference ${reference.length}`);
  let diff = 0,
    scale = 0;
  for (let i = 0; i < reference.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - reference[i]!));
    scale = Math.max(scale, Math.abs(reference[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

/** Runs `f` on `backend` and returns its tensors' values (tensors are disposed). */
export async function valuesOn(backend: string, f: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  if (backend === 'cpu') quietCpuBackend();
  const out = tf.tidy(f);
  const list = Array.isArray(out) ? out : [out];
  const values = (await Promise.all(list.map((t) => t.data()))) as Float32Array[];
  tf.dispose(list);
  return values;
}

/** Seeded normal values for a shape. */
export function seededNormal(shape: number[], seed: number): Float32Array {
  // tfjs treats seed 0 as "no seed" (a different draw every time); give 0 a fixed stand-in.
  return tf.tidy(() => tf.randomNormal(shape, 0, 1, 'float32', seed === 0 ? 0x5eed : seed).dataSync() as Float32Array);
}

/**
 * The largest error over a set of tensors (gradients of one model), each relative to its own scale,
 * with a floor of 1e-4 of the largest scale: a gradient that is analytically zero (a bias feeding
 * a BatchNorm) holds only rounding noise, which no backend reproduces bit for bit.
 */
export function gradientsError(actual: ArrayLike<number>[], reference: ArrayLike<number>[]): number {
  const scaleOf = (values: ArrayLike<number>) => {
    let m = 0;
    for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]!));
    return m;
  };
  const scales = reference.map(scaleOf);
  const floor = 1e-4 * Math.max(...scales);
  return Math.max(
    ...reference.map((ref, i) => {
      const a = actual[i]!;
      if (a.length !== ref.length) throw new Error(`tensor ${i}: length ${a.length} vs reference ${ref.length}`);
      let diff = 0;
      for (let j = 0; j < ref.length; j++) diff = Math.max(diff, Math.abs(a[j]! - ref[j]!));
      return diff / Math.max(scales[i]!, floor, Number.MIN_VALUE);
    }),
  );
}
