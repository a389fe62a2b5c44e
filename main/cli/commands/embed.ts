// `ddl-lab embed --model NAME (--images DIR | --dataset ID) [--json]`: embeddings of aligned face
// images under a pretrained model. The work is in app/lab/models.ts.
import { embedDatasetWithModel, embedImageFolder } from '../../../app/lab/models.js';
import { defaultDataDir, LabOperationError, openLabDatabase } from '../../../app/lab/lab.js';
import { resolveDatasetRef } from '../../../app/lab/refs.js';
import { commandFailure, parseCommandLine } from '../command-line.js';

const fail = commandFailure('embed');

const usage = `Usage: ddl-lab embed --model NAME (--images DIR | --dataset DATASET) [--json] [--data-dir DIR]
  --model NAME       a pretrained model ("ddl-lab models list")
  --images DIR       the images in DIR (aligned faces; each is resized whole to the model's input size)
  --dataset DATASET  a dataset's images (id or name); the model is stored on it as a pretrained run
                     (reused by later calls, "ddl-lab eval-model" and stage-2 fine-tuning)
  --json             [{ "path", "embedding" }] on stdout, each embedding L2-normalised
Without --json, one line per image: path and the embedding's first values.
`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandLine(
    {
      args,
      options: {
        model: { type: 'string' },
        images: { type: 'string' },
        dataset: { type: 'string' },
        json: { type: 'boolean', default: false },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    },
    usage,
    fail,
  );
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  if (!values.model) return fail(`--model NAME is required ("ddl-lab models list").\n\n${usage}`, 2);
  if ((values.images === undefined) === (values.dataset === undefined))
    return fail(`give one of --images DIR or --dataset DATASET.\n\n${usage}`, 2);
  try {
    let images: { path: string; embedding: number[] }[];
    if (values.images !== undefined) images = await embedImageFolder(values.model, values.images);
    else {
      const dataDir = values['data-dir'] ?? defaultDataDir();
      const db = openLabDatabase(dataDir);
      try {
        const lab = { db, dataDir };
        const datasetId = resolveDatasetRef(lab, values.dataset!);
        const result = await embedDatasetWithModel(lab, { model: values.model, datasetId });
        process.stderr.write(`${values.model} is stored on dataset ${datasetId} as run ${result.run.id}\n`);
        images = result.images;
      } finally {
        db.close();
      }
    }
    if (values.json) process.stdout.write(`${JSON.stringify(images)}\n`);
    else
      for (const { path, embedding } of images)
        process.stdout.write(
          `${path}  [${embedding
            .slice(0, 4)
            .map((v) => v.toFixed(4))
            .join(', ')}, …] (${embedding.length})\n`,
        );
    return 0;
  } catch (error) {
    if (error instanceof LabOperationError) return fail(error.message, 1);
    return fail(`embedding with ${values.model} failed: ${(error as Error).message}`, 1);
  }
}
