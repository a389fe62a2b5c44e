import { formatConfigError } from '../config-errors.js';
import { ArcFaceHead } from './arcface.js';
import { CosFaceHead } from './cosface.js';
import { CurricularFaceHead } from './curricularface.js';
import { headConfigSchema, type HeadConfigInput, type MarginHead } from './head-config.js';
import { NormalizedSoftmaxHead } from './softmax.js';

/** A head from its config; missing fields take the defaults, bad ones throw a readable Error. */
export function createHead(input: HeadConfigInput): MarginHead {
  const parsed = headConfigSchema.safeParse(input);
  if (!parsed.success) throw new Error(formatConfigError('head config', parsed.error));
  const config = parsed.data;
  switch (config.type) {
    case 'softmax':
      return new NormalizedSoftmaxHead(config);
    case 'cosface':
      return new CosFaceHead(config);
    case 'arcface':
      return new ArcFaceHead(config);
    case 'curricularface':
      return new CurricularFaceHead(config);
  }
}
