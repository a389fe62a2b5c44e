// Command name -> module. Each module exports `run(args): Promise<exitCode>` and nothing else of note.
export interface CliCommand {
  run(args: string[]): Promise<number>;
}

// A Map, not an object literal: a name such as "constructor" or "__proto__" must not find what
// every object inherits.
const commands = new Map<string, () => Promise<CliCommand>>([
  ['serve', () => import('./commands/serve.js')],
  ['demo', () => import('./commands/demo.js')],
  ['loss', () => import('./commands/loss.js')],
  ['metrics', () => import('./commands/metrics.js')],
  ['eval', () => import('./commands/eval.js')],
  ['eval-model', () => import('./commands/eval-model.js')],
  ['models', () => import('./commands/models.js')],
  ['embed', () => import('./commands/embed.js')],
  ['train', () => import('./commands/train.js')],
  ['runs', () => import('./commands/runs.js')],
  ['dataset', () => import('./commands/dataset.js')],
  ['split', () => import('./commands/split.js')],
  ['synth', () => import('./commands/synth.js')],
  ['lab', () => import('./commands/lab.js')],
  ['experiment', () => import('./commands/experiment.js')],
  ['worker', () => import('./commands/worker.js')],
  ['slurm', () => import('./commands/slurm.js')],
  ['system', () => import('./commands/system.js')],
]);

export function commandNames(): string[] {
  return [...commands.keys()].sort();
}

export async function loadCommand(name: string): Promise<CliCommand | undefined> {
  const load = commands.get(name);
  return load ? load() : undefined;
}
