// `ddl-lab serve [--port P] [--host H] [--allow-host NAME] [--data-dir D]`: the lab UI and LabApi in a browser, for headless machines.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLabService } from '../../../app/api/service/index.js';
import { cacheLocation } from '../../../app/data/cache-location.js';
import { checkLabDatabase, defaultDataDir } from '../../../app/lab/lab.js';
import { builtRendererDir, projectRoot } from '../../project-root.js';
import { plainHttpWarning } from '../../server/host-check.js';
import { startServer } from '../../server/server.js';
import { newToken } from '../../server/token.js';
import { commandFailure, parseCommandLine } from '../command-line.js';

const usage = [
  'Usage: ddl-lab serve [--port 8737] [--host 127.0.0.1] [--allow-host NAME]... [--data-dir DIR]',
  '',
  'Serves the lab UI and its API on http://HOST:PORT with a per-launch token (open the printed URL).',
  'It binds 127.0.0.1 by default; --host 0.0.0.0 exposes it to your network (the token still guards it;',
  'prefer an SSH tunnel: ssh -L 8737:127.0.0.1:8737 server). Requests must name this server in their Host',
  "header (localhost, the bound address, or for 0.0.0.0 this machine's addresses and host name);",
  '--allow-host NAME accepts another name, e.g. a DNS name of the machine.',
  '',
].join('\n');

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandLine(
    {
      args,
      options: {
        port: { type: 'string', default: '8737' },
        host: { type: 'string', default: '127.0.0.1' },
        'allow-host': { type: 'string', multiple: true, default: [] },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    },
    usage,
    commandFailure('serve'),
  );
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`ddl-lab serve: --port must be a whole number from 0 to 65535, got "${values.port}".\n`);
    return 2;
  }
  const dataDir = values['data-dir'] ?? defaultDataDir();
  try {
    checkLabDatabase(dataDir, 'write'); // opens (or creates) the lab and checks every page before serving it
  } catch (error) {
    process.stderr.write(`ddl-lab serve: ${(error as Error).message}\n`);
    return 1;
  }
  const warning = plainHttpWarning(values.host);
  if (warning) process.stderr.write(`${warning}\n`);
  const rendererDir = builtRendererDir();
  if (!existsSync(rendererDir)) {
    process.stderr.write(
      `ddl-lab serve: the UI is not built (${rendererDir} is missing). Run "npm run build:renderer" first, or use "npm run serve".\n`,
    );
    return 1;
  }
  const appVersion = (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version?: string })
    .version;
  const service = createLabService({ dataDir, shell: 'server', appVersion });
  const running = await startServer({
    host: values.host,
    port,
    token: newToken(),
    rendererDir,
    service,
    allowedHosts: values['allow-host'],
  });
  process.stdout.write(`DDL Lab is serving at ${running.url}\n`);
  process.stdout.write(`Data directory: ${dataDir}\n`);
  process.stdout.write(`Pixel caches: ${cacheLocation(dataDir).dir}\n`);
  await new Promise<void>((resolveStop) => {
    const stop = () => {
      void running
        .close()
        .then(() => service.close())
        .then(resolveStop);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
