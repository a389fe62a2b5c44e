import * as tf from '@tensorflow/tfjs';
import type { DdlBatch } from '../data/ddl-sampler.js';
import type { ImageBatch } from '../data/image-batch.js';
import type { DdlConfig } from '../losses/ddl/ddl-config.js';
import { ddlLoss, type DdlTerms } from '../losses/ddl/ddl-loss.js';
import { crossEntropy } from '../losses/heads/cross-entropy.js';
import type { MarginHead } from '../losses/heads/head-config.js';
import type { Backbone } from '../models/index.js';

// The loss of one training step, for each stage, as a function tf.variableGrads can differentiate.
// Every tensor the caller reads afterwards is tf.keep()'d and listed in `kept` for disposal.

export interface StepLoss {
  /** The scalar to minimise. */
  total: tf.Scalar;
  /** Scalars to record, by metric name (loss terms and similarity expectations). */
  scalars: Record<string, tf.Scalar>;
  /** DDL histograms (stage 2), to read when histograms are due. */
  histograms?: DdlTerms['histograms'];
}

export interface StepModel {
  backbone: Backbone;
  head: MarginHead;
  /** Classifier weights [embeddingSize, classes]. */
  classifier: tf.Variable;
}

function images(batch: ImageBatch): tf.Tensor4D {
  return tf.tensor4d(batch.pixels, [batch.count, batch.size, batch.size, 3]);
}

/** Stage 1: margin-head cross-entropy on a classification batch. */
export function stage1Loss(model: StepModel, batch: ImageBatch): StepLoss {
  const labels = tf.tensor1d(batch.labels, 'int32');
  const embeddings = model.backbone.embed(images(batch), true);
  const cls = crossEntropy(model.head.logits(embeddings, model.classifier as tf.Tensor2D, labels, true), labels);
  return { total: cls, scalars: { cls: tf.keep(cls), total: tf.keep(cls) } };
}

/**
 * Stage 2 on a DDL batch: one backbone pass over all six pieces, the head once over easy and hard
 * singles (so a stateful head updates once per step), then
 *   objective "ddl":            L = L_cls(easy) + L_cls(hard) + DDL total
 *   objective "classification": L = L_cls(easy) + L_cls(hard), DDL terms computed for the record only.
 */
export function stage2Loss(
  model: StepModel,
  batch: DdlBatch,
  ddl: DdlConfig,
  objective: 'ddl' | 'classification',
): StepLoss {
  const pieces = [
    batch.easySingles,
    batch.hardSingles,
    batch.easyPairs[0],
    batch.easyPairs[1],
    batch.hardPairs[0],
    batch.hardPairs[1],
  ];
  const embeddings = model.backbone.embed(tf.concat(pieces.map(images), 0) as tf.Tensor4D, true);
  const [easy, hard, easyA, easyB, hardA, hardB] = tf.split(
    embeddings,
    pieces.map((p) => p.count),
    0,
  ) as tf.Tensor2D[] as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];

  const easyCount = batch.easySingles.count;
  const labels = tf.tensor1d(Int32Array.from([...batch.easySingles.labels, ...batch.hardSingles.labels]), 'int32');
  const logits = model.head.logits(
    tf.concat([easy, hard], 0) as tf.Tensor2D,
    model.classifier as tf.Tensor2D,
    labels,
    true,
  );
  const clsEasy = crossEntropy(logits.slice([0, 0], [easyCount, -1]), labels.slice(0, easyCount));
  const clsHard = crossEntropy(logits.slice([easyCount, 0], [-1, -1]), labels.slice(easyCount));

  const terms = ddlLoss(
    { teacherSingles: easy, studentSingles: hard, teacherPairs: [easyA, easyB], studentPairs: [hardA, hardB] },
    ddl,
  );
  const classification = clsEasy.add(clsHard) as tf.Scalar;
  const total = (objective === 'ddl' ? classification.add(terms.total) : classification) as tf.Scalar;
  return {
    total,
    scalars: {
      clsEasy: tf.keep(clsEasy),
      clsHard: tf.keep(clsHard),
      posKL: tf.keep(terms.posKL),
      negKL: tf.keep(terms.negKL),
      order: tf.keep(terms.order),
      ddl: tf.keep(terms.total),
      total: tf.keep(total),
      teacherPosMean: tf.keep(terms.teacher.posMean),
      teacherNegMean: tf.keep(terms.teacher.negMean),
      studentPosMean: tf.keep(terms.student.posMean),
      studentNegMean: tf.keep(terms.student.negMean),
      teacherPosKept: tf.keep(terms.teacher.posKept),
      studentPosKept: tf.keep(terms.student.posKept),
    },
    histograms: {
      teacherPos: tf.keep(terms.histograms.teacherPos),
      teacherNeg: tf.keep(terms.histograms.teacherNeg),
      studentPos: tf.keep(terms.histograms.studentPos),
      studentNeg: tf.keep(terms.histograms.studentNeg),
    },
  };
}

export function disposeStepLoss(loss: StepLoss): void {
  tf.dispose(Object.values(loss.scalars));
  if (loss.histograms) tf.dispose(Object.values(loss.histograms));
}
