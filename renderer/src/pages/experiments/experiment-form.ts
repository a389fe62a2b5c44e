// The Experiments page's form as plain data, and the experiment spec it makes (the same JSON an
// experiment file holds, so a defined experiment can be copied out as a file).

export interface VariantRow {
  name: string;
  lambdaPos: string;
  lambdaNeg: string;
  teacherGradient: 'flow' | 'stop';
  studentPairs: 'easy-hard' | 'hard-hard';
  batchSize: string;
  lr: string;
  steps: string;
}

export interface ExperimentForm {
  name: string;
  base: 'quick' | 'full' | 'tiny';
  firstSeed: string;
  seedCount: string;
  variants: VariantRow[];
  /** Where the runs train: the lab's own processes, or Slurm jobs made from the Slurm settings. */
  executor: 'local' | 'slurm';
}

export const newVariant = (name: string): VariantRow => ({
  name,
  lambdaPos: '',
  lambdaNeg: '',
  teacherGradient: 'flow',
  studentPairs: 'easy-hard',
  batchSize: '',
  lr: '',
  steps: '',
});

export const defaultForm: ExperimentForm = {
  name: 'DDL weights',
  base: 'quick',
  firstSeed: '1',
  seedCount: '3',
  executor: 'local',
  variants: [
    { ...newVariant('reference weights'), lambdaPos: '0.1', lambdaNeg: '0.02' },
    { ...newVariant('x10 weights'), lambdaPos: '1', lambdaNeg: '0.2' },
  ],
};

/** A number field: empty = not set (the base's value); anything else is sent as typed, so the lab names a bad value. */
const numberOrText = (text: string): number | string | undefined => {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : trimmed;
};

const defined = <T extends object>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

export function formToSpec(form: ExperimentForm): Record<string, unknown> {
  return {
    name: form.name,
    base: form.base,
    seeds: { first: numberOrText(form.firstSeed), count: numberOrText(form.seedCount) },
    ...(form.executor === 'slurm' ? { executor: 'slurm' } : {}),
    variants: form.variants.map((v) => ({
      name: v.name,
      stage2: defined({
        batchSize: numberOrText(v.batchSize),
        lr: numberOrText(v.lr),
        steps: numberOrText(v.steps),
        ddl: defined({
          lambdaPos: numberOrText(v.lambdaPos),
          lambdaNeg: numberOrText(v.lambdaNeg),
          teacherGradient: v.teacherGradient,
          studentPairs: v.studentPairs,
        }),
      }),
    })),
  };
}
