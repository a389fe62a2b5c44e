import { z } from 'zod';
import type { LabDatabase } from '../store/db.js';
import { Random } from '../util/random.js';
import { deriveSeed, newImageBatch, putImage, type ImageBatch } from './image-batch.js';
import { openSamplerSource } from './sampler-source.js';

// DDL batches (docs/architecture.md#ddl-in-one-page): four branches of b items each, identity-balanced.
//   easy singles: b easy images of b distinct identities
//   hard singles: b hard images of b distinct identities
//   easy pairs:   b positive pairs of two easy images (b distinct identities)
//   hard pairs:   b positive pairs (easy anchor, hard) or (hard, hard) with studentPairs
// Each branch walks a seeded permutation of its eligible identities, a fresh one per epoch, so
// every identity is drawn equally often; images within an identity and flips come from one
// seeded Random. The state is the step count and that Random's state: restoring replays the
// identity walk (cheap, no pixels) and gives the same batches again.

export interface DdlBatch {
  easySingles: ImageBatch;
  hardSingles: ImageBatch;
  easyPairs: [ImageBatch, ImageBatch];
  hardPairs: [ImageBatch, ImageBatch];
}

export type StudentPairs = 'easy-hard' | 'hard-hard';

export interface DdlSamplerOptions {
  db: LabDatabase;
  datasetId: number;
  splitId: string | number;
  inputSize: number;
  /** b: items per branch. */
  batch: number;
  studentPairs: StudentPairs;
  seed: number;
  /** Mirror each image left-right with probability 1/2. */
  flip: boolean;
  /** Where the pixel cache is; default the database's folder. */
  dataDir?: string;
  /** Caches up to this many bytes are held in memory (default 512 MiB); larger are read per image. */
  residentLimit?: number;
  /** Helper threads a png cache decodes batches with. */
  decodeWorkers?: number;
}

export interface DdlSampler {
  next(): DdlBatch;
  state(): DdlSamplerState;
  restore(state: unknown): void;
  /** Identities of the dataset: the classifier head's size. */
  classes: number;
  /** Eligible identities per branch. */
  identities: Record<BranchName, number>;
  close(): void;
}

const branchNames = ['easySingles', 'hardSingles', 'easyPairs', 'hardPairs'] as const;
type BranchName = (typeof branchNames)[number];

const stateSchema = z.object({
  kind: z.literal('ddl-sampler'),
  version: z.literal(1),
  datasetId: z.number(),
  splitId: z.number(),
  batch: z.number(),
  studentPairs: z.enum(['easy-hard', 'hard-hard']),
  seed: z.number(),
  steps: z.int().min(0),
  random: z.number(),
});
export type DdlSamplerState = z.infer<typeof stateSchema>;

/**
 * Walks a seeded permutation of identities b at a time; each epoch a new permutation, so every
 * identity is drawn exactly once per epoch. A batch that straddles two epochs takes the next
 * epoch's first identities that are not already in it, keeping the b identities distinct.
 */
class IdentityCycle {
  epoch = 0;
  private pos = 0;
  private order: Int32Array;

  constructor(
    private readonly identities: Int32Array,
    private readonly seed: number,
    private readonly branch: number,
    private readonly b: number,
  ) {
    this.order = this.permutation(0);
  }

  private permutation(epoch: number): Int32Array {
    const order = Int32Array.from(this.identities);
    const random = new Random(deriveSeed(this.seed, this.branch, epoch));
    for (let i = order.length - 1; i > 0; i--) {
      const j = random.int(i + 1);
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    return order;
  }

  take(): Int32Array {
    const out = new Int32Array(this.b);
    let k = 0;
    while (k < this.b && this.pos < this.order.length) out[k++] = this.order[this.pos++]!;
    if (k < this.b) {
      this.nextEpoch(out.subarray(0, k));
      while (k < this.b) out[k++] = this.order[this.pos++]!;
    }
    return out;
  }

  private nextEpoch(carried: Int32Array): void {
    this.epoch++;
    this.pos = 0;
    const order = this.permutation(this.epoch);
    if (carried.length === 0) {
      this.order = order;
      return;
    }
    const taken = new Set(carried);
    const front: number[] = [];
    const rest: number[] = [];
    for (const c of order) (front.length < this.b - carried.length && !taken.has(c) ? front : rest).push(c);
    this.order = Int32Array.from([...front, ...rest]);
  }

  /** Back to the start, then `steps` batches on (replayed without drawing pixels). */
  replay(steps: number): void {
    this.epoch = 0;
    this.pos = 0;
    this.order = this.permutation(0);
    for (let s = 0; s < steps; s++) {
      if (this.pos + this.b <= this.order.length) this.pos += this.b;
      else this.take();
    }
  }
}

export function createDdlSampler(opts: DdlSamplerOptions): DdlSampler {
  const b = opts.batch;
  if (!Number.isInteger(b) || b < 2)
    throw new Error(
      `DDL batch b = ${b}: it must be a whole number of at least 2 (hardest negatives need two identities per branch).`,
    );
  if (opts.splitId === undefined || opts.splitId === null)
    throw new Error('A DDL sampler needs a split (which images are easy and which hard).');
  const source = openSamplerSource(opts);
  const { columns, cache } = source;
  const split = source.split!;

  // Easy and hard image idx per identity.
  const easyOf = groupByIdentity(split.easyIdx, columns.identity, columns.identityCount);
  const hardOf = groupByIdentity(split.hardIdx, columns.identity, columns.identityCount);
  const eligible = (need: (e: number, h: number) => boolean) => {
    const out: number[] = [];
    for (let c = 0; c < columns.identityCount; c++) if (need(easyOf[c]!.length, hardOf[c]!.length)) out.push(c);
    return Int32Array.from(out);
  };
  const pools: Record<BranchName, Int32Array> = {
    easySingles: eligible((e) => e >= 1),
    hardSingles: eligible((_, h) => h >= 1),
    easyPairs: eligible((e) => e >= 2),
    hardPairs: opts.studentPairs === 'hard-hard' ? eligible((_, h) => h >= 2) : eligible((e, h) => e >= 1 && h >= 1),
  };
  const needs: Record<BranchName, string> = {
    easySingles: 'identities with easy images',
    hardSingles: 'identities with hard images',
    easyPairs: 'identities with at least 2 easy images',
    hardPairs:
      opts.studentPairs === 'hard-hard'
        ? 'identities with at least 2 hard images (studentPairs hard-hard)'
        : 'identities with both an easy and a hard image',
  };
  const short = branchNames.filter((name) => pools[name].length < b);
  if (short.length) {
    const worst = short.map((name) => `${pools[name].length} ${needs[name]}`).join(', ');
    throw new Error(
      `Split "${split.name}" has ${worst}; DDL needs at least b = ${b} of each. Lower the batch size or loosen the split rule.`,
    );
  }

  const cycles = Object.fromEntries(
    branchNames.map((name, k) => [name, new IdentityCycle(pools[name], opts.seed, k, b)]),
  ) as Record<BranchName, IdentityCycle>;
  let random = new Random(deriveSeed(opts.seed, 0x5eed));
  let steps = 0;
  const size = opts.inputSize;
  const flip = () => opts.flip && random.next() < 0.5;

  // A step's draws are made first, in the same order as ever; the pixels are copied at the end
  // of next() (a png cache decodes the step's rows in parallel in between).
  let pending: Array<{ batch: ImageBatch; slot: number; idx: number; flip: boolean }> = [];
  const put = (batch: ImageBatch, slot: number, idx: number) => {
    pending.push({ batch, slot, idx, flip: flip() });
    batch.labels[slot] = columns.identity[idx]!;
    batch.imageIds[slot] = columns.ids[idx]!;
  };
  const copyPending = () => {
    cache.prefetch(pending.map((p) => p.idx));
    for (const p of pending) putImage(p.batch, p.slot, cache, p.idx, p.flip);
    pending = [];
  };
  const pick = (list: Int32Array) => list[random.int(list.length)]!;
  /** Two different images of one list. */
  const pickTwo = (list: Int32Array): [number, number] => {
    const i = random.int(list.length);
    let j = random.int(list.length - 1);
    if (j >= i) j++;
    return [list[i]!, list[j]!];
  };

  const singles = (name: 'easySingles' | 'hardSingles', of: Int32Array[]) => {
    const batch = newImageBatch(b, size);
    cycles[name].take().forEach((c, slot) => put(batch, slot, pick(of[c]!)));
    return batch;
  };

  return {
    classes: source.classes,
    identities: Object.fromEntries(branchNames.map((n) => [n, pools[n].length])) as Record<BranchName, number>,
    next(): DdlBatch {
      const easySingles = singles('easySingles', easyOf);
      const hardSingles = singles('hardSingles', hardOf);
      const easyPairs: [ImageBatch, ImageBatch] = [newImageBatch(b, size), newImageBatch(b, size)];
      cycles.easyPairs.take().forEach((c, slot) => {
        const [x, y] = pickTwo(easyOf[c]!);
        put(easyPairs[0], slot, x);
        put(easyPairs[1], slot, y);
      });
      const hardPairs: [ImageBatch, ImageBatch] = [newImageBatch(b, size), newImageBatch(b, size)];
      cycles.hardPairs.take().forEach((c, slot) => {
        const [x, y] = opts.studentPairs === 'hard-hard' ? pickTwo(hardOf[c]!) : [pick(easyOf[c]!), pick(hardOf[c]!)];
        put(hardPairs[0], slot, x);
        put(hardPairs[1], slot, y);
      });
      copyPending();
      steps++;
      return { easySingles, hardSingles, easyPairs, hardPairs };
    },
    state(): DdlSamplerState {
      return {
        kind: 'ddl-sampler',
        version: 1,
        datasetId: opts.datasetId,
        splitId: split.id,
        batch: b,
        studentPairs: opts.studentPairs,
        seed: opts.seed,
        steps,
        random: random.save(),
      };
    },
    restore(state: unknown): void {
      const parsed = stateSchema.safeParse(state);
      if (!parsed.success)
        throw new Error(
          `Not a DDL sampler state (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}).`,
        );
      const s = parsed.data;
      const mismatch = [
        s.datasetId !== opts.datasetId && `dataset ${s.datasetId}`,
        s.splitId !== split.id && `split ${s.splitId}`,
        s.batch !== b && `b = ${s.batch}`,
        s.studentPairs !== opts.studentPairs && `studentPairs ${s.studentPairs}`,
        s.seed !== opts.seed && `seed ${s.seed}`,
      ].filter(Boolean);
      if (mismatch.length)
        throw new Error(
          `This sampler state was saved for ${mismatch.join(', ')}; create the sampler with the same settings to resume.`,
        );
      for (const n of branchNames) cycles[n].replay(s.steps);
      random = Random.restore(s.random);
      steps = s.steps;
    },
    close: () => cache.close(),
  };
}

function groupByIdentity(indices: Int32Array, identity: Int32Array, identityCount: number): Int32Array[] {
  const counts = new Int32Array(identityCount);
  for (const i of indices) counts[identity[i]!]! += 1;
  const out = Array.from(counts, (n) => new Int32Array(n));
  const fill = new Int32Array(identityCount);
  for (const i of indices) {
    const c = identity[i]!;
    out[c]![fill[c]!++] = i;
  }
  return out;
}
