// The evaluation process: `eval-worker --data-dir DIR --request JSON`. Started by a
// RunProcessLauncher (child_process.fork, or Electron's utilityProcess) so that loading the
// checkpoint, embedding every image and measuring never block the app's main process. Like the
// run worker it writes its result to SQLite itself (one transaction: a cancelled or killed
// evaluation leaves no row) and streams progress to its parent.
// `eval-worker --data-dir DIR --export JSON --folder DIR` computes an export that needs the model
// again (an evaluation's per-pair scores, embeddings: app/export's computeExport) into the folder:
// the same checkpoint loading and embedding, in the same process every shell already launches.
// `eval-worker --data-dir DIR --pretrained JSON` finds or makes a pretrained model's pretrained run
// (app/train's pretrainedRun: the model loaded and the dataset embedded for its classifier).
// `eval-worker --data-dir DIR --embed JSON --out FILE` embeds a dataset under a run's checkpoint
// into FILE (embeddings-file.ts): the Split page's model-based hardness and distributions.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { computeExport, parseComputedExportRequest } from '../../export/computed-export.js';
import { initBackend } from '../../engine/backend.js';
import { openLabDatabase } from '../../store/db.js';
import { checkpointFolder } from '../../store/runs-checkpoints.js';
import { setNativeBinding, workerNativeBinding } from '../../store/native-binding.js';
import { connectToParent } from '../../process/parent-channel.js';
import { pretrainedRun } from '../../train/pretrained-start.js';
import { evaluateRun } from './evaluate-run.js';
import { embedDataset } from './embed-images.js';
import { writeEmbeddingsFile } from './embeddings-file.js';
import {
  parseEmbedRequest,
  parseEvaluationRequest,
  parsePretrainedRunRequest,
  type EvaluationWorkerMessage,
} from './evaluation-messages.js';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      request: { type: 'string' },
      export: { type: 'string' },
      folder: { type: 'string' },
      pretrained: { type: 'string' },
      embed: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const dataDir = values['data-dir'];
  if (
    !dataDir ||
    !(values.request || (values.export && values.folder) || values.pretrained || (values.embed && values.out))
  ) {
    process.stderr.write(
      'usage: eval-worker --data-dir DIR --request \'{"runId":1,"pairListId":1}\'\n' +
        '       eval-worker --data-dir DIR --export \'{"kind":"pair-scores-csv","evaluationId":1}\' --folder DIR\n' +
        '       eval-worker --data-dir DIR --pretrained \'{"model":"mobilefacenet","datasetId":1,"classes":10}\'\n' +
        '       eval-worker --data-dir DIR --embed \'{"runId":1,"checkpointStep":40,"datasetId":1,"flipTest":false}\' --out FILE\n',
    );
    return 2;
  }
  const request = values.request ? parseEvaluationRequest(values.request) : undefined;
  const exportRequest = values.export ? parseComputedExportRequest(values.export) : undefined;
  const pretrainedRequest = values.pretrained ? parsePretrainedRunRequest(values.pretrained) : undefined;
  const embedRequest = values.embed ? parseEmbedRequest(values.embed) : undefined;

  const channel = connectToParent<EvaluationWorkerMessage>();
  const post = (message: EvaluationWorkerMessage) => channel?.post(message) ?? Promise.resolve();
  // Cancel from the parent, the parent gone, or Ctrl-C / SIGTERM: stop at the next batch.
  const controller = new AbortController();
  const stop = () => controller.abort();
  channel?.onCommand(stop);
  channel?.onDisconnect(stop);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  // Listening now: a cancel sent before this point may have been dropped, so the parent resends it.
  void post({ type: 'evaluation.started', pid: process.pid });
  await initBackend();
  setNativeBinding(workerNativeBinding()); // the Electron build when Electron started this as a utility process
  const db = openLabDatabase(dataDir);
  try {
    if (pretrainedRequest) {
      // No progress or cancel inside: loading the model and one embedding pass, then a checkpoint.
      const { run, created } = await pretrainedRun(db, dataDir, pretrainedRequest);
      await post({ type: 'pretrained.done', runId: run.id, created });
      return 0;
    }
    if (embedRequest) {
      const { runId, checkpointStep, datasetId, flipTest } = embedRequest;
      const backboneDir = join(checkpointFolder(dataDir, { runId, step: checkpointStep }), 'backbone');
      const embedded = await embedDataset(db, dataDir, datasetId, backboneDir, {
        flipTest,
        signal: controller.signal,
        onProgress: (done, total) => void post({ type: 'evaluation.progress', phase: 'embedding', done, total }),
      });
      writeEmbeddingsFile(values.out!, embedded);
      await post({ type: 'embed.done' });
      return 0;
    }
    if (!request) {
      const files = await computeExport(db, dataDir, exportRequest!, values.folder!, {
        signal: controller.signal,
        onProgress: (phase, done, total) => void post({ type: 'evaluation.progress', phase, done, total }),
      });
      await post({ type: 'export.done', files });
      return 0;
    }
    const { evaluation } = await evaluateRun({
      db,
      dataDir,
      ...request,
      signal: controller.signal,
      onProgress: (phase, done, total) => void post({ type: 'evaluation.progress', phase, done, total }),
    });
    await post({ type: 'evaluation.done', evaluationId: evaluation.id });
    return 0;
  } catch (error) {
    if (controller.signal.aborted) {
      await post({ type: 'evaluation.cancelled' });
      return 0;
    }
    process.stderr.write(`eval-worker: ${error instanceof Error ? error.stack : String(error)}\n`);
    await post({ type: 'evaluation.failed', error: error instanceof Error ? error.message : String(error) });
    return 1;
  } finally {
    db.close();
  }
}

// Exit explicitly: the IPC channel would keep the process alive.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`eval-worker: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
