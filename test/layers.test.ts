import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The layer rule of DESIGN.md §1 must actually fail on a violation, not only exist in the config.
async function lintAs(filePath: string, code: string) {
  const eslint = new ESLint({ cwd: process.cwd() });
  const [result] = await eslint.lintText(code, { filePath });
  return result?.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message) ?? [];
}

describe('import layers (DESIGN.md §1)', () => {
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
});
