import { z } from 'zod';
import type { LabDatabase } from '../store/db.js';
import { Random } from '../util/random.js';
import { deriveSeed, newImageBatch, putImage, type ImageBatch } from './image-batch.js';
import { openSamplerSource } from './sampler-source.js';

// Classification batches: a uniform sample of images (each epoch a fresh seeded permutation of
// all of them; batches run on across epoch ends so every batch is full). With a split, only its
// images (both sides unless `side` says). State: epoch, position and the flip Random.

export interface ClassificationSamplerOptions {
  db: LabDatabase;
  datasetId: number;
  splitId?: string | number;
  /** With a split: which side(s) to draw from (default both). */
  side?: 'easy' | 'hard' | 'both';
  inputSize: number;
  batchSize: number;
  seed: number;
  flip: boolean;
  dataDir?: string;
  residentLimit?: number;
  /** Helper threads a png cache decodes batches with. */
  decodeWorkers?: number;
}

export interface ClassificationSampler {
  next(): ImageBatch;
  state(): ClassificationSamplerState;
  restore(state: unknown): void;
  classes: number;
  /** Images drawn from. */
  images: number;
  /** Batches per epoch, rounded up. */
  batchesPerEpoch: number;
  close(): void;
}

const stateSchema = z.object({
  kind: z.literal('classification-sampler'),
  version: z.literal(1),
  datasetId: z.number(),
  splitId: z.number().nullable(),
  side: z.enum(['easy', 'hard', 'both']),
  seed: z.number(),
  batchSize: z.number(),
  epoch: z.int().min(0),
  pos: z.int().min(0),
  steps: z.int().min(0),
  random: z.number(),
});
export type ClassificationSamplerState = z.infer<typeof stateSchema>;

export function createClassificationSampler(opts: ClassificationSamplerOptions): ClassificationSampler {
  const n = opts.batchSize;
  if (!Number.isInteger(n) || n < 1) throw new Error(`Batch size ${n}: it must be a whole number of at least 1.`);
  const source = openSamplerSource(opts);
  const { columns, cache, split } = source;
  const side = opts.side ?? 'both';
  let pool: Int32Array;
  if (split) {
    pool =
      side === 'easy'
        ? split.easyIdx
        : side === 'hard'
          ? split.hardIdx
          : Int32Array.from([...split.easyIdx, ...split.hardIdx]).sort();
  } else {
    pool = Int32Array.from({ length: columns.count }, (_, i) => i);
  }
  if (pool.length === 0)
    throw new Error(
      `No images to sample: ${split ? `split "${split.name}" has no ${side === 'both' ? '' : `${side} `}images` : `dataset ${opts.datasetId} is empty`}.`,
    );

  const permutation = (epoch: number) => {
    const order = Int32Array.from(pool);
    const random = new Random(deriveSeed(opts.seed, 0xc1a5, epoch));
    for (let i = order.length - 1; i > 0; i--) {
      const j = random.int(i + 1);
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    return order;
  };
  let epoch = 0;
  let pos = 0;
  let steps = 0;
  let order = permutation(0);
  let random = new Random(deriveSeed(opts.seed, 0xf11b));
  const rows = new Int32Array(n);

  return {
    classes: source.classes,
    images: pool.length,
    batchesPerEpoch: Math.ceil(pool.length / n),
    next(): ImageBatch {
      const batch = newImageBatch(n, opts.inputSize);
      // Draw the whole batch first (a png cache then decodes its rows in parallel), then copy.
      const flips = new Uint8Array(n);
      for (let slot = 0; slot < n; slot++) {
        if (pos === order.length) {
          epoch++;
          pos = 0;
          order = permutation(epoch);
        }
        const idx = order[pos++]!;
        flips[slot] = opts.flip && random.next() < 0.5 ? 1 : 0;
        batch.labels[slot] = columns.identity[idx]!;
        batch.imageIds[slot] = columns.ids[idx]!;
        rows[slot] = idx;
      }
      cache.prefetch(rows);
      for (let slot = 0; slot < n; slot++) putImage(batch, slot, cache, rows[slot]!, flips[slot] === 1);
      steps++;
      return batch;
    },
    state(): ClassificationSamplerState {
      return {
        kind: 'classification-sampler',
        version: 1,
        datasetId: opts.datasetId,
        splitId: split?.id ?? null,
        side,
        seed: opts.seed,
        batchSize: n,
        epoch,
        pos,
        steps,
        random: random.save(),
      };
    },
    restore(state: unknown): void {
      const parsed = stateSchema.safeParse(state);
      if (!parsed.success)
        throw new Error(
          `Not a classification sampler state (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}).`,
        );
      const s = parsed.data;
      if (
        s.datasetId !== opts.datasetId ||
        s.splitId !== (split?.id ?? null) ||
        s.side !== side ||
        s.seed !== opts.seed ||
        s.batchSize !== n
      ) {
        throw new Error(
          `This sampler state was saved for dataset ${s.datasetId}, split ${s.splitId ?? 'none'} (${s.side}), seed ${s.seed}, batch ${s.batchSize}; create the sampler with the same settings to resume.`,
        );
      }
      if (s.pos > pool.length)
        throw new Error(
          `Sampler state position ${s.pos} is beyond the ${pool.length} images; it belongs to another dataset version.`,
        );
      epoch = s.epoch;
      pos = s.pos;
      steps = s.steps;
      order = permutation(epoch);
      random = Random.restore(s.random);
    },
    close: () => cache.close(),
  };
}
