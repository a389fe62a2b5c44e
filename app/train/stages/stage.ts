import type { LabDatabase } from '../../store/db.js';
import type { HistogramRecord } from '../../store/runs-series.js';
import type { StepLoss, StepModel } from '../train-steps.js';

// What differs between the two stages of a run, behind one interface, so the trainer's loop has
// no stage branches: the batches (and the sampler's position, saved in every checkpoint), the loss
// of one step, the images a step saw, and the histograms it records. A stage writes nothing: the
// trainer records what it returns, as before (metrics, histograms, checkpoints).

/** One drawn batch, with what the loop needs to know about it. */
export interface StageBatch {
  /** Images in the batch (for images/s). */
  readonly images: number;
  /** The step's loss; runs inside tf.variableGrads. */
  loss(model: StepModel): StepLoss;
  /**
   * The histograms to record for `step` (after its update), or undefined when none are due.
   * `scalars` are the step's recorded scalar values by name.
   */
  histograms(
    loss: StepLoss,
    scalars: Record<string, number>,
    step: number,
  ): HistogramRecord[] | undefined | Promise<HistogramRecord[] | undefined>;
}

export interface TrainingStage {
  /** Where the batches come from; `next` draws from it. */
  readonly sampler: StageSampler;
  next(): StageBatch;
}

/** A sampler as the trainer sees it: its classes, and its position (saved in every checkpoint, so a resumed run sees the same batches). */
export interface StageSampler {
  /** Identities of the dataset: the classifier's width. */
  readonly classes: number;
  state(): unknown;
  restore(state: unknown): void;
  close(): void;
}

/** Where a stage draws its batches from. */
export interface StageData {
  db: LabDatabase;
  dataDir: string;
  datasetId: number;
  splitId: number;
  inputSize: number;
}
