// `ddl-lab system info [--json]`: the tfjs backend this machine gives the lab, every backend tried
// with the reason it was or was not used, the GPU adapter, and how to get a faster one.
import { initBackend } from '../../../app/engine/backend.js';
import { backendReport, formatBackendReport } from '../../../app/engine/backend-report.js';
import { commandFailure, parseCommandLine } from '../command-line.js';
import { didYouMean } from '../did-you-mean.js';

const fail = commandFailure('system');

const usage = `Usage:
  ddl-lab system info [--json]

info  starts the backend the lab would use for training here (the same chain a run takes:
      tensorflow → webgpu → wasm → cpu) and prints it, every backend tried with the reason it was
      or was not used, the WebGPU adapter (vendor, architecture, description, software or
      hardware) and how to get a faster backend. LAB_BACKEND forces one backend, LAB_GPU picks
      the adapter (a number, part of its name, high-performance or low-power).
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
  const [action] = positionals;
  if (values.help || !action) {
    (values.help ? process.stdout : process.stderr).write(usage);
    return values.help ? 0 : 2;
  }
  if (action !== 'info') return fail(`unknown action "${action}".${didYouMean(action, ['info'])}\n\n${usage}`, 2);
  try {
    const report = backendReport(await initBackend());
    process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatBackendReport(report));
    return 0;
  } catch (error) {
    if (error instanceof Error) return fail(error.message, 1);
    throw error;
  }
}
