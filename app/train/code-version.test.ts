import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCodeVersion } from '../store/run-annotations.js';
import { codeVersion } from './code-version.js';
import { RunManager } from './run-manager.js';
import { createSynthFixture, type SynthFixture } from './test-support/synth-fixture.js';
import { tinyStage1 } from './test-support/tiny-stage1.js';

// Every run records the code that created it: the package version, and the git commit in a checkout.

let fixture: SynthFixture;
beforeAll(async () => {
  fixture = await createSynthFixture({ identities: 6, perIdentity: 4 });
}, 120_000);
afterAll(() => fixture?.cleanup());

describe('code version', () => {
  it('a run created by the RunManager records the package version (and commit) it was created with', () => {
    const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
    expect(codeVersion()).toMatch(new RegExp(`^${version.replace(/\./g, '\\.')}( \\([0-9a-f]{12}(\\+changes)?\\))?$`));
    const { db, dataDir, datasetId, splitId } = fixture;
    const run = new RunManager(db, dataDir).create({ datasetId, splitId, config: tinyStage1(5, 5) });
    expect(runCodeVersion(db, run.id)).toBe(codeVersion());
  });
});
