import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startLabServer } from './lab-server.js';
import { expectAccessible, openPage, savePageShot, watchConsole } from './ui-helpers.js';

// A new user's runs from the command line, found and managed in the UI: two tiny runs trained with
// `ddl-lab train` on one SynthFaces dataset, a second dataset imported after them (the working
// dataset must still be the one the runs trained on), then in the browser: find them, evaluate both
// on the other dataset's pair list, tag one, compare both with curves overlaid, export the comparison
// as CSV and a chart as PNG and SVG, walk the failure gallery with the keyboard, and see a run
// started from the CLI in the status bar.

test.use({ actionTimeout: 30_000, acceptDownloads: true });

const cli = (dataDir: string | null, ...args: string[]) =>
  execFileSync(process.execPath, ['bin/ddl-lab.js', ...args, ...(dataDir ? ['--data-dir', dataDir] : [])], {
    encoding: 'utf8',
  });

const tinyStage1 = (seed: number, steps: number) => ({
  stage: 1,
  backbone: { name: 'ir-lite', inputSize: 32, embeddingSize: 32, widths: [8, 8, 16, 16], depths: [1, 1, 1, 1] },
  head: { type: 'cosface', s: 16, m: 0.2 },
  batchSize: 16,
  steps,
  lr: 0.1,
  schedule: { kind: 'constant', warmupSteps: 2 },
  seed,
  checkpointEvery: steps,
});

test('runs trained from the CLI: found, evaluated on another dataset, tagged, compared, exported', async ({ page }) => {
  test.setTimeout(12 * 60_000);
  const work = mkdtempSync(join(tmpdir(), 'ddl-lab-e2e-runs-'));
  const dataDir = join(work, 'lab');
  const config = (name: string, seed: number, steps: number) => {
    const file = join(work, `${name}.json`);
    writeFileSync(file, JSON.stringify(tinyStage1(seed, steps)));
    return file;
  };

  await test.step('the CLI: a dataset, two tiny runs, then a second dataset', async () => {
    cli(
      null,
      'synth',
      '--preset',
      'pose',
      '--identities',
      '16',
      '--per-identity',
      '6',
      '--size',
      '32',
      '--out',
      join(work, 'faces-a'),
    );
    cli(dataDir, 'dataset', 'import', join(work, 'faces-a'));
    cli(
      dataDir,
      'train',
      '--dataset',
      'faces-a',
      '--split',
      'pose',
      '--config',
      config('s1', 1, 12),
      '--name',
      'arcface seed1',
    );
    cli(
      dataDir,
      'train',
      '--dataset',
      'faces-a',
      '--split',
      'pose',
      '--config',
      config('s2', 2, 16),
      '--name',
      'arcface seed2',
    );
    cli(
      null,
      'synth',
      '--preset',
      'pose',
      '--identities',
      '10',
      '--per-identity',
      '5',
      '--size',
      '32',
      '--seed',
      '9',
      '--out',
      join(work, 'faces-b'),
    );
    cli(dataDir, 'dataset', 'import', join(work, 'faces-b'));
  });

  const { lab, child } = await startLabServer(dataDir);
  try {
    const problems = watchConsole(page);
    await page.goto(lab.url);

    await test.step('the Train page shows the runs: the working dataset is the one they trained on', async () => {
      await openPage(page, 'Train');
      await expect(page.getByLabel('Run', { exact: true })).toContainText('arcface seed2');
      await expect(page.getByText('No runs yet')).toHaveCount(0);
    });

    await test.step('find them on the Runs page, by search', async () => {
      await openPage(page, 'Runs');
      const table = page.getByRole('table', { name: /Every run/ });
      await expect(table.getByRole('button', { name: 'arcface seed1', exact: true })).toBeVisible();
      await expect(table.getByRole('button', { name: 'arcface seed2', exact: true })).toBeVisible();
      await page.getByLabel('Search runs').fill('seed2');
      await expect(table.getByRole('button', { name: 'arcface seed1', exact: true })).toHaveCount(0);
      await page.getByRole('button', { name: 'Clear' }).click();
      await expect(table.getByRole('button', { name: 'arcface seed1', exact: true })).toBeVisible();
    });

    await test.step('evaluate both on the other dataset’s pair list', async () => {
      const options = await page.getByLabel('Evaluate on').locator('option').allTextContents();
      const other = options.find((o) => o.startsWith('faces-b'));
      expect(other, options.join(' | ')).toBeTruthy();
      await page.getByLabel('Evaluate on').selectOption({ label: other! });
      await page.getByRole('button', { name: 'Evaluate arcface seed1' }).click();
      await page.getByRole('button', { name: 'Evaluate arcface seed2' }).click();
      for (const name of ['arcface seed1', 'arcface seed2'])
        await expect(page.getByRole('button', { name: new RegExp(`Inspect ${name} on faces-b`) })).toBeVisible({
          timeout: 240_000,
        });
      await expect(page.getByRole('columnheader', { name: /faces-b/ })).toBeVisible();
    });

    await test.step('tag one and filter by the tag', async () => {
      await page.getByRole('button', { name: 'Details of arcface seed1' }).click();
      const details = page.getByRole('region', { name: 'Run arcface seed1' });
      await expect(details).toContainText('Code version');
      await details.getByLabel(/^Tags/).fill('keep, pose-baseline');
      await details.getByLabel('Notes').fill('the first baseline');
      await details.getByRole('button', { name: 'Save' }).click();
      await expect(details.getByRole('status')).toHaveText('saved');
      await savePageShot(page, 'runs-manage', { docs: true });

      // Per-pair scores and embeddings are computed again (a job), then downloaded.
      const row = details.getByRole('row', { name: /faces-b/ });
      const scores = page.waitForEvent('download', { timeout: 180_000 });
      await row.getByRole('button', { name: 'Compute & download' }).click();
      const scoresPath = join(work, (await scores).suggestedFilename());
      await (await scores).saveAs(scoresPath);
      expect(readFileSync(scoresPath, 'utf8').split('\n')[0]).toBe('path1,path2,label,type,score');
      const read = JSON.parse(cli(null, 'metrics', '--scores', scoresPath, '--json')) as {
        input: { pairs: number; skipped: number };
      };
      expect(read.input).toMatchObject({ skipped: 0 });
      expect(read.input.pairs).toBeGreaterThan(0);
      const saved: string[] = [];
      page.on('download', (d) => saved.push(d.suggestedFilename()));
      await row.getByLabel('Computed export').selectOption('embeddings-npy');
      await row.getByRole('button', { name: 'Compute & download' }).click();
      await expect(row.getByRole('status')).toContainText('embeddings.npy.rows.csv', { timeout: 180_000 });
      await expect
        .poll(() => saved.sort())
        .toEqual([expect.stringMatching(/embeddings\.npy$/), expect.stringMatching(/embeddings\.npy\.rows\.csv$/)]);
      await savePageShot(page, 'runs-computed-export');

      // The run's embeddings of any dataset at a chosen checkpoint: faces-b (50 images) at step 12.
      const embed = details.locator('dd', { has: page.getByLabel('Embed dataset with arcface seed1') });
      await embed.getByLabel('Embed dataset with arcface seed1').selectOption({ label: 'faces-b (50 images)' });
      await expect(embed.getByLabel('Checkpoint to embed with')).toHaveValue('12');
      const embeddings = page.waitForEvent('download', { timeout: 180_000 });
      await embed.getByRole('button', { name: 'Compute & download' }).click();
      const embeddingsPath = join(work, (await embeddings).suggestedFilename());
      await (await embeddings).saveAs(embeddingsPath);
      const lines = readFileSync(embeddingsPath, 'utf8').trimEnd().split('\n');
      expect(lines[0]).toMatch(/^path,identity,e0,e1,/);
      expect(lines).toHaveLength(1 + 50);
      expect(new Set(lines.slice(1).map((l) => l.split(',')[1])).size).toBe(10); // faces-b's identities (faces-a has 16)
      await savePageShot(page, 'runs-embeddings-export');
      await details.getByRole('button', { name: 'Close' }).click();
      await expect(page.getByRole('list', { name: 'tags of arcface seed1' })).toContainText('keep');
      await page.getByLabel('Tag', { exact: true }).selectOption('keep');
      const table = page.getByRole('table', { name: /Every run/ });
      await expect(table.getByRole('button', { name: 'arcface seed2', exact: true })).toHaveCount(0);
      await page.getByRole('button', { name: 'Clear' }).click();
    });

    const compare = page.getByRole('region', { name: 'Compare 2 runs' });
    await test.step('compare both: curves overlaid, deltas against a baseline', async () => {
      await page.getByRole('checkbox', { name: 'Compare arcface seed1' }).check();
      await page.getByRole('checkbox', { name: 'Compare arcface seed2' }).check();
      await expect(compare.getByRole('figure', { name: /runs overlaid/ }).locator('.recharts-line-curve')).toHaveCount(
        2,
      );
      await expect(compare.getByRole('region', { name: 'Metrics of the compared runs' })).toContainText('faces-b');
      await compare.getByLabel('Baseline').selectOption({ index: 1 });
      await savePageShot(page, 'runs-compare-many', { docs: true });
      await expectAccessible(page, 'runs-compare-many');
    });

    await test.step('export the comparison as CSV', async () => {
      const download = page.waitForEvent('download');
      await compare.getByRole('button', { name: 'Export comparison CSV' }).click();
      const file = await download;
      const path = join(work, file.suggestedFilename());
      await file.saveAs(path);
      const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
      expect(lines[0]).toMatch(/^benchmark,metric,arcface seed1 \[run \d+\],arcface seed2 \[run \d+\],/);
      expect(lines.some((l) => l.startsWith('training,final loss,'))).toBe(true);
      expect(lines.filter((l) => l.startsWith('faces-b')).length).toBeGreaterThanOrEqual(4);
    });

    await test.step('save the overlaid curves as PNG and SVG', async () => {
      const chart = compare.getByRole('figure', { name: /runs overlaid/ });
      const png = page.waitForEvent('download');
      await chart.getByRole('button', { name: /as PNG/ }).click();
      const pngPath = join(work, (await png).suggestedFilename());
      await (await png).saveAs(pngPath);
      copyFileSync(pngPath, test.info().outputPath('chart.png'));
      const bytes = readFileSync(pngPath);
      expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
      expect(bytes.length).toBeGreaterThan(2000);
      const svg = page.waitForEvent('download');
      await chart.getByRole('button', { name: /as SVG/ }).click();
      const svgPath = join(work, (await svg).suggestedFilename());
      await (await svg).saveAs(svgPath);
      copyFileSync(svgPath, test.info().outputPath('chart.svg'));
      const text = readFileSync(svgPath, 'utf8');
      expect(text).toMatch(/^<svg[^>]+xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      expect(text).toContain('recharts-line-curve');
    });

    await test.step('Inspect the evaluation on the other dataset, with the keyboard', async () => {
      await page.getByRole('button', { name: /Inspect arcface seed1 on faces-b/ }).click();
      await expect(page.getByRole('heading', { level: 1, name: 'Inspect' })).toBeVisible();
      const gallery = page.getByRole('region', { name: 'Failure gallery' });
      await expect(gallery.getByRole('article').first()).toBeVisible();
      await gallery.getByRole('article').first().getByRole('button').first().focus();
      await page.keyboard.press('ArrowRight');
      await expect(page.locator('[data-grid-index="1"] :focus')).toHaveCount(1);
      await page.keyboard.press('Enter');
      await expect(page.getByRole('complementary', { name: 'Image details' })).toContainText('Identity');
      await page.keyboard.press('Escape');
      await page.keyboard.press('?');
      await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toContainText('Enter');
      await page.keyboard.press('Escape');
    });

    await test.step('a run started from the CLI shows in the status bar and links to it', async () => {
      const long = spawn(
        process.execPath,
        [
          'bin/ddl-lab.js',
          'train',
          '--dataset',
          'faces-a',
          '--split',
          'pose',
          '--config',
          config('long', 3, 5000),
          '--name',
          'long run',
          '--data-dir',
          dataDir,
        ],
        { stdio: 'ignore' },
      );
      try {
        const status = page.getByTestId('status-runs');
        await expect(status).toContainText('1 run training: long run', { timeout: 60_000 });
        await status.click();
        await expect(page.getByRole('heading', { level: 1, name: 'Train' })).toBeVisible();
        await expect(page.getByRole('button', { name: 'Cancel run' })).toBeVisible();
        await page.getByRole('button', { name: 'Cancel run' }).click();
        await expect(status).toHaveCount(0, { timeout: 90_000 });
      } finally {
        long.kill('SIGKILL');
      }
    });
    expect(problems).toEqual([]);
  } finally {
    child.kill('SIGTERM');
    rmSync(work, { recursive: true, force: true });
  }
});
