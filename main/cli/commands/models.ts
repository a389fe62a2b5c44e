// `ddl-lab models list [--json]`: the pretrained models of the zoo (app/models/zoo), through app/lab.
import { listModels } from '../../../app/lab/models.js';
import { commandFailure, parseCommandLine } from '../command-line.js';

const fail = commandFailure('models');

const usage = `Usage: ddl-lab models list [--json]
  Pretrained face-recognition models the lab ships: name, where the weights come from, input size
  (pixels), embedding size, parameter count, and whether the lab can fine-tune it.
  Use one with "ddl-lab embed --model NAME", "ddl-lab eval-model NAME" or a run config's "pretrained".
`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandLine(
    {
      args,
      allowPositionals: true,
      options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
    },
    usage,
    fail,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  if (positionals.length !== 1 || positionals[0] !== 'list')
    return fail(
      `the action is "list", got ${positionals.length ? `"${positionals.join(' ')}"` : 'none'}.\n\n${usage}`,
      2,
    );
  const models = listModels();
  if (values.json) process.stdout.write(`${JSON.stringify(models, null, 2)}\n`);
  else
    for (const m of models)
      process.stdout.write(
        `${m.name.padEnd(16)} ${m.inputSize}×${m.inputSize} → ${m.embeddingSize}-d  ${(m.parameters / 1e6).toFixed(2)} M parameters  ${m.trainable ? 'trainable' : 'frozen'}  ${m.source}\n`,
      );
  return 0;
}
