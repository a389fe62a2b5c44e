import { z } from 'zod';
import { classifierInitSchema, idSchema, pretrainedModelSchema } from '../../vocabulary/index.js';
import { noParams } from './common.js';
import { runSummarySchema } from './runs.js';

// models.*: the pretrained models of the zoo (app/models/zoo). A pretrained model enters a dataset
// as its *pretrained run*: a stage-1 run with no training whose checkpoint is the untouched model,
// so it is evaluated, compared and fine-tuned (a stage-2 parent) like any run.

export const modelSummarySchema = z.object({
  name: pretrainedModelSchema,
  /** For menus, e.g. "MobileFaceNet (pretrained)". */
  label: z.string(),
  /** Package and file the weights come from. */
  source: z.string(),
  inputSize: z.int(),
  embeddingSize: z.int(),
  parameters: z.int(),
  trainable: z.boolean(),
});
export type ModelSummary = z.infer<typeof modelSummarySchema>;

export const modelMethods = {
  /** The zoo's pretrained models. */
  'models.list': { params: noParams, result: z.object({ models: z.array(modelSummarySchema) }) },
  /**
   * The pretrained run of a model on a dataset (found, or made once: the dataset is embedded for the
   * class-mean classifier, seconds for a small dataset). Its checkpoint is the untouched model.
   */
  'models.pretrainedRun': {
    params: z.strictObject({
      model: pretrainedModelSchema,
      datasetId: idSchema,
      classifierInit: classifierInitSchema.optional(),
      /** The centred start: the dataset's mean raw embedding subtracted in the model (a separate run). */
      centre: z.boolean().optional(),
    }),
    result: runSummarySchema,
  },
} as const;
