import {
  ddlConfigSchema,
  defaultHeadMargins,
  runConfigInputSchema,
  suggestedRunConfigs,
  type RunConfig,
  type RunConfigInput,
} from '../../../app/api/contract/index.js';
import { fieldErrorsFromZod, type FieldErrors } from './form-errors.js';

// The Train page's run config form: flat text fields keyed by config path ("schedule.gamma"),
// starting from the contract's suggested configs and defaults, turned back into a config and
// checked by the same schema the service uses, so every message appears next to its field.
// A field that does not apply (DDL options in stage 1, gamma of a cosine schedule) is neither
// shown nor sent.

export type FieldKind = 'int' | 'number' | 'text' | 'select' | 'bool' | 'intList';
export type SectionName = 'Model' | 'Head' | 'Optimisation' | 'DDL' | 'Logging';
export type RunForm = Record<string, string | boolean>;

export interface FieldSpec {
  path: string;
  label: string;
  kind: FieldKind;
  section: SectionName | 'Run';
  options?: readonly string[];
  /** What a select shows for an option (default: the option itself). */
  optionLabels?: Readonly<Record<string, string>>;
  help?: string | ((form: RunForm) => string);
  /** May be left empty (the service then picks its default). */
  optional?: boolean;
  /** Whether the field applies to the config being edited. */
  when?: (form: RunForm) => boolean;
}

const stage1 = (form: RunForm) => form.stage !== '2';
const stage2 = (form: RunForm) => form.stage === '2';
const ddlRun = (form: RunForm) => form.stage === '2' && form.objective === 'ddl';

export const runFieldSpecs: readonly FieldSpec[] = [
  { path: 'name', label: 'Run name', kind: 'text', section: 'Run', optional: true },
  { path: 'datasetId', label: 'Dataset', kind: 'text', section: 'Run' },
  { path: 'splitId', label: 'Split', kind: 'text', section: 'Run' },
  { path: 'stage', label: 'Stage', kind: 'int', section: 'Run' },
  { path: 'parentRunId', label: 'Parent run', kind: 'text', section: 'Run', when: stage2 },
  { path: 'objective', label: 'Objective', kind: 'text', section: 'Run', when: stage2 },

  {
    path: 'backbone.name',
    label: 'Backbone',
    kind: 'select',
    section: 'Model',
    options: ['ir-lite', 'ir18', 'ir34', 'ir50', 'mobilefacenet'],
    help: 'ir-lite is CPU-sized; ir18–50 expect 112 px and a GPU; mobilefacenet is 112 px (pretrained below)',
    when: stage1,
  },
  {
    path: 'pretrained',
    label: 'Start from',
    kind: 'select',
    section: 'Model',
    options: ['', 'mobilefacenet'],
    optionLabels: { '': 'random weights', mobilefacenet: 'MobileFaceNet (pretrained)' },
    help: 'pretrained weights need their backbone (mobilefacenet); the classifier starts at the class-mean embeddings',
    optional: true,
    when: stage1,
  },
  { path: 'backbone.inputSize', label: 'Input size (px)', kind: 'int', section: 'Model', optional: true, when: stage1 },
  {
    path: 'backbone.embeddingSize',
    label: 'Embedding size',
    kind: 'int',
    section: 'Model',
    optional: true,
    when: stage1,
  },
  {
    path: 'backbone.widths',
    label: 'Stage widths (ir-lite)',
    kind: 'intList',
    section: 'Model',
    optional: true,
    help: 'channels per stage, e.g. 16, 32, 64',
    when: stage1,
  },
  {
    path: 'backbone.depths',
    label: 'Blocks per stage (ir-lite)',
    kind: 'intList',
    section: 'Model',
    optional: true,
    help: 'e.g. 1, 1, 1',
    when: stage1,
  },
  { path: 'backbone.dropout', label: 'Dropout', kind: 'number', section: 'Model', optional: true, when: stage1 },

  {
    path: 'head.type',
    label: 'Margin head',
    kind: 'select',
    section: 'Head',
    options: ['arcface', 'cosface', 'curricularface', 'softmax'],
    when: stage1,
  },
  { path: 'head.s', label: 'Scale s', kind: 'number', section: 'Head', when: stage1 },
  {
    path: 'head.m',
    label: 'Margin m',
    kind: 'number',
    section: 'Head',
    optional: true,
    help: 'empty = the head’s default',
    when: stage1,
  },
  {
    path: 'head.tMomentum',
    label: 't momentum',
    kind: 'number',
    section: 'Head',
    when: (f) => stage1(f) && f['head.type'] === 'curricularface',
  },

  { path: 'steps', label: 'Steps', kind: 'int', section: 'Optimisation' },
  {
    path: 'batchSize',
    label: 'Batch size',
    kind: 'int',
    section: 'Optimisation',
    help: (f) => (stage2(f) ? 'items per DDL branch (b); a step draws 4 branches' : 'images per step'),
  },
  { path: 'lr', label: 'Learning rate', kind: 'number', section: 'Optimisation' },
  { path: 'momentum', label: 'Momentum', kind: 'number', section: 'Optimisation' },
  { path: 'weightDecay', label: 'Weight decay', kind: 'number', section: 'Optimisation' },
  {
    path: 'clipGradNorm',
    label: 'Clip grad norm',
    kind: 'number',
    section: 'Optimisation',
    help: '0 turns clipping off',
  },
  {
    path: 'schedule.kind',
    label: 'LR schedule',
    kind: 'select',
    section: 'Optimisation',
    options: ['constant', 'step', 'cosine'],
  },
  { path: 'schedule.warmupSteps', label: 'Warm-up steps', kind: 'int', section: 'Optimisation' },
  {
    path: 'schedule.milestones',
    label: 'Milestones',
    kind: 'intList',
    section: 'Optimisation',
    optional: true,
    help: 'steps where lr × gamma, e.g. 100, 150',
    when: (f) => f['schedule.kind'] === 'step',
  },
  {
    path: 'schedule.gamma',
    label: 'Gamma',
    kind: 'number',
    section: 'Optimisation',
    when: (f) => f['schedule.kind'] === 'step',
  },
  {
    path: 'schedule.minLrFactor',
    label: 'Final lr factor',
    kind: 'number',
    section: 'Optimisation',
    when: (f) => f['schedule.kind'] === 'cosine',
  },
  { path: 'seed', label: 'Seed', kind: 'int', section: 'Optimisation' },
  { path: 'flip', label: 'Horizontal flip', kind: 'bool', section: 'Optimisation' },

  { path: 'ddl.lambdaPos', label: 'λ positives', kind: 'number', section: 'DDL', when: ddlRun },
  { path: 'ddl.lambdaNeg', label: 'λ negatives', kind: 'number', section: 'DDL', when: ddlRun },
  { path: 'ddl.lambdaOrder', label: 'λ order', kind: 'number', section: 'DDL', when: ddlRun },
  { path: 'ddl.bins.count', label: 'Histogram bins', kind: 'int', section: 'DDL', when: ddlRun },
  { path: 'ddl.bins.min', label: 'Bins from', kind: 'number', section: 'DDL', when: ddlRun },
  { path: 'ddl.bins.max', label: 'Bins to', kind: 'number', section: 'DDL', when: ddlRun },
  { path: 'ddl.sigma', label: 'Sigma', kind: 'number', section: 'DDL', when: ddlRun },
  {
    path: 'ddl.positiveThreshold',
    label: 'Positive threshold',
    kind: 'number',
    section: 'DDL',
    help: 'pairs at or below are dropped',
    when: ddlRun,
  },
  {
    path: 'ddl.studentPairs',
    label: 'Student pairs',
    kind: 'select',
    section: 'DDL',
    options: ['easy-hard', 'hard-hard'],
    when: ddlRun,
  },
  {
    path: 'ddl.teacherGradient',
    label: 'Teacher gradient',
    kind: 'select',
    section: 'DDL',
    options: ['flow', 'stop'],
    when: ddlRun,
  },
  {
    path: 'ddl.compat',
    label: 'Compatibility',
    kind: 'select',
    section: 'DDL',
    options: ['clean', 'reference'],
    help: 'reference reproduces the published code, quirks included',
    when: ddlRun,
  },

  { path: 'histogramEvery', label: 'Histograms every (steps)', kind: 'int', section: 'Logging', when: stage2 },
  { path: 'checkpointEvery', label: 'Checkpoint every (steps)', kind: 'int', section: 'Logging' },
  { path: 'keepCheckpoints', label: 'Checkpoints kept', kind: 'int', section: 'Logging' },
];

export function fieldHelp(spec: FieldSpec, form: RunForm): string | undefined {
  return typeof spec.help === 'function' ? spec.help(form) : spec.help;
}

export function fieldApplies(spec: FieldSpec, form: RunForm): boolean {
  return spec.when ? spec.when(form) : true;
}

function getPath(source: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined),
      source,
    );
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    node[key] = (node[key] as Record<string, unknown> | undefined) ?? {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1] as string] = value;
}

function toText(value: unknown): string | boolean {
  if (typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.join(', ');
  if (value === undefined || value === null) return '';
  return String(value);
}

/** Form values for a (partial) config: only the paths it holds. */
export function formValuesFrom(config: unknown): RunForm {
  const form: RunForm = {};
  for (const spec of runFieldSpecs) {
    const value = getPath(config, spec.path);
    if (value !== undefined) form[spec.path] = toText(value);
  }
  return form;
}

const scheduleDefaults: RunForm = {
  'schedule.warmupSteps': '0',
  'schedule.milestones': '',
  'schedule.gamma': '0.1',
  'schedule.minLrFactor': '0',
};

/**
 * The form as a new user finds it: the contract's suggested stage-1 config with every schema
 * default filled in, plus the defaults stage 2 would use (kept ready for a switch of stage).
 */
export function defaultRunForm(datasetId = '', splitId = ''): RunForm {
  const stage1Config = runConfigInputSchema.parse({
    ...suggestedRunConfigs.stage1,
    datasetId: 'placeholder',
    splitId: 'placeholder',
  });
  return {
    ...formValuesFrom({ ddl: ddlConfigSchema.parse({}), histogramEvery: suggestedRunConfigs.stage2.histogramEvery }),
    ...scheduleDefaults,
    ...formValuesFrom(stage1Config),
    'head.m': '',
    name: '',
    parentRunId: '',
    objective: 'ddl',
    stage: '1',
    datasetId,
    splitId,
  };
}

/** Switching stage applies that stage's suggested optimisation settings (stage 2: the paper's small lr). */
export function withStageSuggestions(form: RunForm, stage: 1 | 2): RunForm {
  const suggestion = stage === 1 ? suggestedRunConfigs.stage1 : suggestedRunConfigs.stage2;
  const { stage: _stage, ...rest } = suggestion as Record<string, unknown>;
  const values = formValuesFrom(rest);
  delete values['backbone.name'];
  return {
    ...form,
    ...scheduleDefaults,
    ...values,
    stage: String(stage),
    ...(stage === 2 ? { objective: 'ddl' } : {}),
  };
}

/** The head's default margin, for the placeholder of an empty "Margin m". */
export function defaultMarginFor(headType: string): number | undefined {
  return (defaultHeadMargins as Record<string, number>)[headType];
}

function parseField(
  spec: Pick<FieldSpec, 'kind' | 'optional'>,
  raw: string | boolean,
): { value?: unknown; error?: string } {
  if (spec.kind === 'bool') return { value: raw === true };
  const text = String(raw).trim();
  if (text === '') return spec.optional ? {} : { error: 'enter a value' };
  switch (spec.kind) {
    case 'int': {
      const value = Number(text);
      return Number.isInteger(value) ? { value } : { error: `"${text}" is not a whole number` };
    }
    case 'number': {
      const value = Number(text);
      return Number.isFinite(value) ? { value } : { error: `"${text}" is not a number` };
    }
    case 'intList': {
      const parts = text.split(/[\s,]+/).filter(Boolean);
      const values = parts.map(Number);
      const bad = parts.find((_, i) => !Number.isInteger(values[i]));
      return bad === undefined
        ? { value: values }
        : { error: `"${bad}" is not a whole number (list numbers like 100, 150)` };
    }
    default:
      return { value: text };
  }
}

export interface FormCheck {
  /** The config to send, when the form holds no error. */
  config: RunConfigInput | undefined;
  errors: FieldErrors;
}

/** The form as a config, with every problem keyed by its field path (typing errors first, then the contract's). */
export function checkRunForm(form: RunForm): FormCheck {
  const config: Record<string, unknown> = {};
  const errors: FieldErrors = {};
  for (const spec of runFieldSpecs) {
    if (!fieldApplies(spec, form)) continue;
    const parsed = parseField(spec, form[spec.path] ?? '');
    if (parsed.error) errors[spec.path] = parsed.error;
    else if (parsed.value !== undefined) setPath(config, spec.path, parsed.value);
  }
  if (errors.datasetId) errors.datasetId = 'choose a dataset';
  if (errors.splitId) errors.splitId = 'choose a split (save one on the Split page)';
  if (errors.parentRunId) errors.parentRunId = 'choose the stage-1 run to fine-tune';
  const result = runConfigInputSchema.safeParse(config);
  if (!result.success) {
    for (const [path, message] of Object.entries(fieldErrorsFromZod(result.error)))
      if (!(path in errors)) errors[path] = message;
  }
  return { config: Object.keys(errors).length === 0 ? (config as RunConfigInput) : undefined, errors };
}

/** A parent's config as read-only facts for a stage-2 form ("ir-lite 32 px, arcface s 32 m 0.5"). */
export function describeInherited(config: RunConfig): string {
  const backbone = config.backbone
    ? `${config.backbone.name}${config.backbone.inputSize ? ` ${config.backbone.inputSize} px` : ''}`
    : 'parent backbone';
  const head = config.head
    ? `${config.head.type} s ${config.head.s}${config.head.m !== undefined ? ` m ${config.head.m}` : ''}`
    : 'parent head';
  return `${backbone}, ${head}`;
}
