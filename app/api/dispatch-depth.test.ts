import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dispatchLabCall } from './dispatch.js';
import { createLabService, type LabService } from './service/index.js';

// Any transport (the desktop app's IPC as well as HTTP) may hand the dispatcher a deeply nested
// value: a split rule 20 000 levels deep is refused as invalid params, not thrown as a stack overflow.

let dir: string;
let service: LabService;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ddl-dispatch-depth-'));
  service = createLabService({ dataDir: dir, shell: 'test' });
});
afterAll(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

it('refuses params nested too deeply to validate with invalid_params', async () => {
  let condition: unknown = { kind: 'tag', tag: 'x' };
  for (let i = 0; i < 20_000; i++) condition = { kind: 'not', condition };
  const response = await dispatchLabCall(service.handlers, 'splits.preview', {
    datasetId: '1',
    definition: { hard: { combine: 'and', conditions: [condition] } },
  });
  expect(response).toEqual({
    ok: false,
    error: { code: 'invalid_params', message: 'splits.preview: the params are nested too deeply to be checked.' },
  });
});
