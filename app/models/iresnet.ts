import type { NetworkBuilder } from './network.js';
import type { BackboneName, BackboneSpec, ResolvedBackboneSpec } from './types.js';

// insightface IResNet (recognition/arcface_torch/backbones/iresnet.py), NHWC:
//   stem: conv3×3 (3 → w0) → BN → PReLU
//   4 stages of IBasicBlock, the first block of each with stride 2:
//     BN → conv3×3 → BN → PReLU → conv3×3 (stride) → BN, + shortcut (conv1×1 (stride) → BN when
//     the shape changes)
//   output: BN → flatten → dropout → FC(embedding) → BN (γ fixed at 1)
// ir18/34/50 are the published 112×112 models; ir-lite is the same design sized for CPU training.

interface Preset {
  widths: number[];
  depths: number[];
  embeddingSize: number;
  inputSize: { min: number; max: number; default: number };
}

export const iresnetPresets: Record<Exclude<BackboneName, 'mobilefacenet'>, Preset> = {
  'ir-lite': {
    widths: [16, 32, 64, 128],
    depths: [1, 1, 1, 1],
    embeddingSize: 128,
    inputSize: { min: 32, max: 64, default: 32 },
  },
  ir18: {
    widths: [64, 128, 256, 512],
    depths: [2, 2, 2, 2],
    embeddingSize: 512,
    inputSize: { min: 112, max: 112, default: 112 },
  },
  ir34: {
    widths: [64, 128, 256, 512],
    depths: [3, 4, 6, 3],
    embeddingSize: 512,
    inputSize: { min: 112, max: 112, default: 112 },
  },
  ir50: {
    widths: [64, 128, 256, 512],
    depths: [3, 4, 14, 3],
    embeddingSize: 512,
    inputSize: { min: 112, max: 112, default: 112 },
  },
};

const wholeInRange = (field: string, value: number, min: number, max: number) => {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`backbone ${field} must be a whole number from ${min} to ${max}, got ${value}`);
};

/** Fills in the preset's defaults and checks every field; errors name the field. */
export function resolveIResNetSpec(spec: BackboneSpec): ResolvedBackboneSpec {
  const preset = iresnetPresets[spec.name as keyof typeof iresnetPresets];
  if (!preset)
    throw new Error(
      `backbone name must be one of ${Object.keys(iresnetPresets).join(', ')}, got ${JSON.stringify(spec.name)}`,
    );
  const resolved: ResolvedBackboneSpec = {
    name: spec.name,
    inputSize: spec.inputSize ?? preset.inputSize.default,
    embeddingSize: spec.embeddingSize ?? preset.embeddingSize,
    widths: [...(spec.widths ?? preset.widths)],
    depths: [...(spec.depths ?? preset.depths)],
    dropout: spec.dropout ?? 0,
    seed: spec.seed ?? 0,
  };
  wholeInRange('inputSize', resolved.inputSize, preset.inputSize.min, preset.inputSize.max);
  wholeInRange('embeddingSize', resolved.embeddingSize, 2, 4096);
  for (const [field, list] of [
    ['widths', resolved.widths],
    ['depths', resolved.depths],
  ] as const) {
    if (list.length !== 4) throw new Error(`backbone ${field} must list 4 stages, got [${list.join(', ')}]`);
    list.forEach((v) => wholeInRange(field, v, 1, field === 'widths' ? 2048 : 64));
  }
  if (!(resolved.dropout >= 0 && resolved.dropout < 1))
    throw new Error(`backbone dropout must be in [0, 1), got ${resolved.dropout}`);
  wholeInRange('seed', resolved.seed, 0, 2 ** 32 - 1);
  return resolved;
}

/** The network as builder calls; returns the embedding [N, embeddingSize]. */
export function describeIResNet<T>(spec: ResolvedBackboneSpec, input: T, net: NetworkBuilder<T>): T {
  const [stemWidth] = spec.widths as [number];
  let x = net.conv('conv1', input, 3, 1, 3, stemWidth);
  x = net.batchNorm('bn1', x, stemWidth, true);
  x = net.prelu('prelu', x, stemWidth);
  let channels = stemWidth;
  let size = spec.inputSize;
  spec.widths.forEach((planes, stage) => {
    for (let block = 0; block < spec.depths[stage]!; block++) {
      const stride = block === 0 ? 2 : 1;
      const name = `layer${stage + 1}_${block}`;
      let out = net.batchNorm(`${name}_bn1`, x, channels, true);
      out = net.conv(`${name}_conv1`, out, 3, 1, channels, planes);
      out = net.batchNorm(`${name}_bn2`, out, planes, true);
      out = net.prelu(`${name}_prelu`, out, planes);
      out = net.conv(`${name}_conv2`, out, 3, stride, planes, planes);
      out = net.batchNorm(`${name}_bn3`, out, planes, true);
      let shortcut = x;
      if (stride !== 1 || channels !== planes) {
        shortcut = net.conv(`${name}_downsample_conv`, x, 1, stride, channels, planes);
        shortcut = net.batchNorm(`${name}_downsample_bn`, shortcut, planes, true);
      }
      x = net.add(`${name}_add`, out, shortcut);
      channels = planes;
      if (stride === 2) size = Math.ceil(size / 2);
    }
  });
  x = net.batchNorm('bn2', x, channels, true);
  x = net.flattenDense(x, size * size * channels, spec.embeddingSize, spec.dropout);
  return net.batchNorm('features', x, spec.embeddingSize, false);
}
