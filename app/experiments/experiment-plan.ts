import { fullDemo, quickDemo, type DemoSettings } from '../demo/demo-settings.js';
import { tinyExperimentBase } from './tiny-base.js';
import {
  experimentSpecSchema,
  headConfigSchema,
  trainerRunConfigSchema,
  type ExperimentSpec,
  type ExperimentStage2,
  type ExperimentVariant,
} from '../vocabulary/index.js';

// From an experiment file to what its runner does: the settings (the base demo settings with the
// experiment's overrides), each variant's stage-2 settings, and the problems of the file, each
// naming its field (and variant) so the user knows what to change. Every variant's config is
// checked here, before any run starts, with the trainer's own schema.

export class ExperimentSpecError extends Error {
  constructor(
    readonly problems: string[],
    source?: string,
  ) {
    super(`${source ? `${source}: ` : ''}the experiment is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ExperimentSpecError';
  }
}

type Stage2Settings = DemoSettings['stage2'];

/** `base` with the fields `override` sets; DDL options merge field by field. */
export function mergeStage2(base: Stage2Settings, override: ExperimentStage2): Stage2Settings {
  const { ddl, ...rest } = override;
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  return { ...base, ...defined, ...(ddl ? { ddl: { ...base.ddl, ...ddl } } : {}) };
}

/** The base demo settings with the experiment's data, model, stage-1 and shared stage-2 overrides. */
export function experimentSettings(spec: ExperimentSpec): DemoSettings {
  const base = spec.base === 'full' ? fullDemo : spec.base === 'tiny' ? tinyExperimentBase : quickDemo;
  const stage1 = Object.fromEntries(Object.entries(spec.stage1).filter(([, v]) => v !== undefined));
  return {
    ...base,
    imageSize: spec.data.imageSize ?? base.imageSize,
    train: spec.data.train ?? base.train,
    validation: spec.data.validation ?? base.validation,
    backbone: spec.backbone ?? base.backbone,
    head: spec.head ?? base.head,
    stage1: { ...base.stage1, ...stage1 },
    stage2: mergeStage2(base.stage2, spec.stage2),
  };
}

/** A variant's stage-2 settings: the experiment's, then the variant's own. */
export function variantSettings(settings: DemoSettings, variant: ExperimentVariant): DemoSettings {
  return { ...settings, stage2: mergeStage2(settings.stage2, variant.stage2) };
}

const where = (path: PropertyKey[]) => (path.length > 0 ? `${path.map(String).join('.')}: ` : '');

/** Parses an experiment (a file's JSON) and checks every run it will make; throws ExperimentSpecError listing every problem. */
export function parseExperimentSpec(input: unknown, source?: string): { spec: ExperimentSpec; settings: DemoSettings } {
  const parsed = experimentSpecSchema.safeParse(input);
  if (!parsed.success) {
    throw new ExperimentSpecError(
      parsed.error.issues.map((i) => `${where(i.path)}${i.message}`),
      source,
    );
  }
  const spec = parsed.data;
  const settings = experimentSettings(spec);
  const problems: string[] = [];
  const stage1 = trainerRunConfigSchema.safeParse({
    stage: 1,
    backbone: settings.backbone,
    head: settings.head,
    ...settings.stage1,
    seed: spec.seeds[0],
  });
  if (!stage1.success) problems.push(...stage1.error.issues.map((i) => `stage1.${where(i.path)}${i.message}`));
  spec.variants.forEach((variant, index) => {
    const stage2 = variantSettings(settings, variant).stage2;
    const config = trainerRunConfigSchema.safeParse({ stage: 2, parentRunId: 1, objective: 'ddl', ...stage2, seed: 1 });
    if (!config.success)
      problems.push(
        ...config.error.issues.map((i) => `variants.${index} ("${variant.name}"): stage2.${where(i.path)}${i.message}`),
      );
  });
  if (problems.length > 0) throw new ExperimentSpecError(problems, source);
  return { spec: resolvedSpec(spec, settings), settings };
}

/**
 * The spec with every setting its base supplies written out, so a stored experiment keeps the
 * settings it was made with: resuming it after the base's defaults change (the quick demo's DDL
 * weights, say) finishes it with its own settings instead of mixing old and new cells.
 */
function resolvedSpec(spec: ExperimentSpec, settings: DemoSettings): ExperimentSpec {
  return {
    ...spec,
    data: { imageSize: settings.imageSize, train: settings.train, validation: settings.validation },
    backbone: settings.backbone,
    head: headConfigSchema.parse(settings.head),
    stage1: settings.stage1,
    stage2: settings.stage2,
  };
}
