// `ddl-lab serve [--port P] [--host H]`: the lab UI in a browser, for headless machines.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { builtRendererDir } from '../../project-root.js';
import { startServer } from '../../server/server.js';
import { newToken } from '../../server/token.js';

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string', default: '8737' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write('Usage: ddl-lab serve [--port 8737] [--host 127.0.0.1] [--data-dir DIR]\n');
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`ddl-lab serve: --port must be a whole number from 0 to 65535, got "${values.port}".\n`);
    return 2;
  }
  const rendererDir = builtRendererDir();
  if (!existsSync(rendererDir)) {
    process.stderr.write(`ddl-lab serve: the UI is not built (${rendererDir} is missing). Run "npm run build:renderer" first, or use "npm run serve".\n`);
    return 1;
  }
  const running = await startServer({ host: values.host, port, token: newToken(), rendererDir });
  process.stdout.write(`DDL Lab is serving at ${running.url}\n`);
  await new Promise<void>((resolveStop) => {
    const stop = () => { void running.close().then(resolveStop); };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
