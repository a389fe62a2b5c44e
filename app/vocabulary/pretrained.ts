import { shown } from './messages.js';
import { z } from './zod.js';

// Pretrained models a stage-1 run can start from (app/models/zoo), and how its classifier for the
// dataset's identities starts: the normalised mean embedding of each identity's images (the
// class-means default: every class starts at its centre), or insightface's normal(0, 0.01).

export const pretrainedModelNames = ['mobilefacenet'] as const;
export const pretrainedModelSchema = z.enum(pretrainedModelNames, {
  error: (iss) => `pretrained must be one of ${pretrainedModelNames.join(', ')}, got ${shown(iss.input)}`,
});
export type PretrainedModelName = (typeof pretrainedModelNames)[number];

export const classifierInits = ['class-means', 'normal'] as const;
export const classifierInitSchema = z.enum(classifierInits, {
  error: (iss) => `classifierInit must be "class-means" or "normal", got ${shown(iss.input)}`,
});
export type ClassifierInit = (typeof classifierInits)[number];
