// A stand-in for the app in tests that kill the app: a real process that supervises one run (the
// same superviseRun as the app), prints `worker <pid>` once the worker is started, and stays.
// Usage: node --import tsx supervisor-process.ts --data-dir DIR --run ID
import { parseArgs } from 'node:util';
import { openLabDatabase } from '../../store/db.js';
import { superviseRun } from '../run-supervisor.js';

const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, run: { type: 'string' } } });
const dataDir = values['data-dir'] as string;
const db = openLabDatabase(dataDir);
const handle = superviseRun(db, dataDir, Number(values.run));
process.stdout.write(`worker ${handle.pid}\n`);
void handle.done.then(() => {
  db.close();
  process.exit(0);
});
