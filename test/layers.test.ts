import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The layer rules of docs/architecture.md#layers must actually fail on a violation, not only exist in the config.
async function lintAs(filePath: string, code: string, ruleId = 'no-restricted-imports') {
  const eslint = new ESLint({ cwd: process.cwd() });
  const [result] = await eslint.lintText(code, { filePath });
  return result?.messages.filter((m) => m.ruleId === ruleId).map((m) => m.message) ?? [];
}

/** The messages of the app/ layer matrix (scripts/layer-rules.js appLayers) for one import. */
function matrixOn(filePath: string, code: string) {
  return lintAs(filePath, code, 'layers/code-import-patterns');
}

describe('import layers (docs/architecture.md#layers)', () => {
  it('refuses electron in app/', async () => {
    const messages = await lintAs('app/engine/leak.ts', "import { app } from 'electron';\nexport const x = app;\n");
    expect(messages.join('\n')).toMatch(/app\/ is pure Node/);
  });

  it('refuses react and main/ in app/', async () => {
    expect(await lintAs('app/data/leak.ts', "import React from 'react';\nexport const x = React;\n")).toHaveLength(1);
    expect(
      await lintAs(
        'app/data/leak2.ts',
        "import { run } from '../../main/cli/commands/serve.js';\nexport const x = run;\n",
      ),
    ).toHaveLength(1);
  });

  it('refuses Node modules and app internals in renderer/, but allows the API contract', async () => {
    expect(
      await lintAs('renderer/src/leak.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n"),
    ).toHaveLength(1);
    expect(
      await lintAs('renderer/src/leak2.ts', "import { x } from '../../app/store/db.js';\nexport const y = x;\n"),
    ).toHaveLength(1);
    expect(
      await lintAs(
        'renderer/src/ok.ts',
        "import type { X } from '../../app/api/contract/index.js';\nexport type Y = X;\n",
      ),
    ).toHaveLength(0);
  });

  it('lets only main/electron import electron', async () => {
    expect(
      await lintAs('main/server/leak.ts', "import { app } from 'electron';\nexport const x = app;\n"),
    ).toHaveLength(1);
    expect(
      await lintAs('main/electron/main.ts', "import { app } from 'electron';\nexport const x = app;\n"),
    ).toHaveLength(0);
  });

  it('passes a clean app/ file', async () => {
    expect(
      await lintAs('app/engine/clean.ts', "import { join } from 'node:path';\nexport const x = join('a', 'b');\n"),
    ).toHaveLength(0);
  });

  describe('which app/ folder may import which', () => {
    it('refuses app/losses importing app/store, naming both and the matrix', async () => {
      const messages = await matrixOn(
        'app/losses/ddl/leak.ts',
        "import { openLab } from '../../store/db.js';\nexport const x = openLab;\n",
      );
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatch(/app\/losses may not import app\/store \('\.\.\/\.\.\/store\/db\.js'\)/);
      expect(messages[0]).toMatch(/scripts\/layer-rules\.js/);
    });

    it('refuses app/engine importing app/models, also as a re-export or a dynamic import', async () => {
      expect(
        await matrixOn('app/engine/leak.ts', "import { x } from '../models/index.js';\nexport const y = x;\n"),
      ).toHaveLength(1);
      expect(await matrixOn('app/engine/leak.ts', "export { x } from '../models/index.js';\n")).toHaveLength(1);
      expect(
        await matrixOn('app/engine/leak.ts', "export const load = () => import('../models/index.js');\n"),
      ).toHaveLength(1);
    });

    it('refuses app/data importing the engine (its seeded Random lives in app/util)', async () => {
      expect(
        await matrixOn('app/data/leak.ts', "import { Random } from '../engine/random.js';\nexport const r = Random;\n"),
      ).toHaveLength(1);
      expect(
        await matrixOn('app/data/ok.ts', "import { Random } from '../util/random.js';\nexport const r = Random;\n"),
      ).toHaveLength(0);
    });

    it('refuses store importing train, and the contract importing anything but the vocabulary', async () => {
      expect(
        await matrixOn('app/store/leak.ts', "import { x } from '../train/run-config.js';\nexport const y = x;\n"),
      ).toHaveLength(1);
      expect(
        await matrixOn('app/api/contract/leak.ts', "import { x } from '../../store/db.js';\nexport const y = x;\n"),
      ).toHaveLength(1);
      expect(
        await matrixOn(
          'app/api/contract/ok.ts',
          "import { x } from '../../vocabulary/index.js';\nexport const y = x;\n",
        ),
      ).toHaveLength(0);
    });

    it('lets store take only the types of the eval report, not its code', async () => {
      expect(
        await matrixOn(
          'app/store/ok.ts',
          "import type { VerificationReport } from '../eval/report-types.js';\nexport type R = VerificationReport;\n",
        ),
      ).toHaveLength(0);
      expect(
        await matrixOn(
          'app/store/leak.ts',
          "import { computeVerificationReport } from '../eval/verification-report.js';\nexport const f = computeVerificationReport;\n",
        ),
      ).toHaveLength(1);
    });

    it('allows the imports the matrix lists, the new folders included', async () => {
      expect(
        await matrixOn('app/train/ok.ts', "import { x } from '../losses/index.js';\nexport const y = x;\n"),
      ).toHaveLength(0);
      expect(
        await matrixOn(
          'app/losses/ddl/ok.ts',
          "import { gatherRows } from '../../engine/gather-rows.js';\nexport const g = gatherRows;\n",
        ),
      ).toHaveLength(0);
      expect(
        await matrixOn('app/demo/ok.ts', "import { x } from '../lab/index.js';\nexport const y = x;\n"),
      ).toHaveLength(0);
      expect(
        await matrixOn('app/lab/leak.ts', "import { x } from '../demo/index.js';\nexport const y = x;\n"),
      ).toHaveLength(1);
      expect(
        await matrixOn('app/vocabulary/leak.ts', "import { x } from '../util/random.js';\nexport const y = x;\n"),
      ).toHaveLength(1);
    });

    it('lets tests reach up for fixtures that the code of their folder may not', async () => {
      const trainedRun = "import { x } from '../../train/trainer.js';\nexport const y = x;\n";
      expect(await matrixOn('app/eval/run/test-support/trained-run.ts', trainedRun)).toHaveLength(0);
      expect(await matrixOn('app/eval/run/evaluate-run.ts', trainedRun)).toHaveLength(1);
    });

    it('refuses an app/ folder the matrix does not list', async () => {
      const messages = await matrixOn(
        'app/widgets/x.ts',
        "import { x } from '../util/random.js';\nexport const y = x;\n",
      );
      expect(messages).toEqual([expect.stringMatching(/app\/widgets is not in the app\/ layer matrix/)]);
    });
  });
});
