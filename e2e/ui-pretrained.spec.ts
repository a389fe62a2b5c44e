import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from './lab-server.js';
import { expectAccessible, openPage, savePageShot, watchConsole } from './ui-helpers.js';

// The paper's protocol as a new user tries it in the UI: a 112 px SynthFaces folder made with the
// CLI and imported, "MobileFaceNet (pretrained)" picked as the start of a DDL fine-tune on the Train
// page, the histograms filling, then the fine-tune evaluated against the untouched pretrained model
// in Runs. Tiny settings (MobileFaceNet trains at a few images/s on wasm). Pretrained runs (no
// split, zero steps) must show sanely: no NaN, no "Infinity", no broken progress.

test.use({ actionTimeout: 30_000 });

test('fine-tune the pretrained MobileFaceNet with DDL and compare it with the untouched model', async ({
  page,
  lab,
}) => {
  test.setTimeout(15 * 60_000);
  const problems = watchConsole(page);
  const root = join(lab.dataDir, '..', `${lab.dataDir.split('/').pop()}-synth112`);
  execFileSync(process.execPath, [
    'bin/ddl-lab.js',
    'synth',
    '--preset',
    'pose',
    '--identities',
    '10',
    '--per-identity',
    '4',
    '--size',
    '112',
    '--seed',
    '3',
    '--out',
    root,
  ]);
  await page.goto(lab.url);

  await test.step('import the 112 px folder', async () => {
    await page.getByRole('button', { name: 'Import a folder' }).first().click();
    const form = page.getByRole('form', { name: 'Import a folder' });
    await form.getByLabel('Folder').fill(root);
    await form.getByLabel('Name (optional)').fill('faces 112');
    await form.getByRole('button', { name: 'Import' }).click();
    await expect(page.getByRole('region', { name: 'Dataset faces 112' })).toBeVisible({ timeout: 180_000 });
    await expect(page.getByText('40 images', { exact: true })).toBeVisible();
  });

  await test.step('Train: start from MobileFaceNet (pretrained), fine-tune with DDL, watch the histograms', async () => {
    await openPage(page, 'Train');
    const form = page.getByRole('form', { name: 'New run' });
    await form.getByRole('radio', { name: /2 · fine-tune/ }).check();
    await expect(form.getByLabel('Split')).not.toHaveValue('');
    const parent = form.getByLabel('Parent run (stage 1, completed)');
    await parent.selectOption({ label: 'MobileFaceNet (pretrained)' });
    // The pretrained run is made (the dataset embedded for its class-mean classifier) and chosen.
    await expect(parent.locator('option:checked')).toHaveText('mobilefacenet (pretrained)', { timeout: 120_000 });
    await expect(form.getByText(/reuses its checkpoint: mobilefacenet 112 px/)).toBeVisible();
    await expect(form.getByLabel('Split')).not.toHaveValue('0');
    await expect(form.getByRole('radio', { name: 'DDL' })).toBeChecked();
    await form.getByLabel('Run name (optional)').fill('mfn-ddl');
    await form.getByLabel('Steps', { exact: true }).fill('4');
    await form.getByLabel('Batch size').fill('4');
    await form.getByLabel('Milestones').fill('2');
    await form.locator('summary', { hasText: 'Logging' }).click();
    await form.getByLabel('Histograms every (steps)').fill('2');
    await savePageShot(page, 'pretrained-train-form');
    await form.getByRole('button', { name: 'Launch stage 2 (DDL)' }).click();

    const distributions = page.getByRole('region', { name: 'Similarity distributions' });
    await expect(distributions.locator('.recharts-area-area').first()).toBeVisible({ timeout: 600_000 });
    await expect(page.getByRole('region', { name: 'Run mfn-ddl' }).getByText('completed', { exact: true })).toBeVisible(
      { timeout: 600_000 },
    );
    await expect(page.getByTestId('run-step')).toHaveText('4 / 4');
    await expect(distributions.getByText(/E = \d/).first()).toBeVisible();
    await expect(page.locator('main')).not.toContainText(/NaN|Infinity/);
    await savePageShot(page, 'pretrained-train');
    await expectAccessible(page, 'pretrained-train');
  });

  await test.step('Runs: evaluate both, compare the fine-tune with the untouched model', async () => {
    await openPage(page, 'Runs');
    const main = page.locator('main');
    await expect(main.getByText('mobilefacenet (pretrained)').first()).toBeVisible();
    await expect(main).not.toContainText(/NaN|Infinity/);
    await page.getByRole('button', { name: 'Evaluate mobilefacenet (pretrained)' }).click();
    await page.getByRole('button', { name: 'Evaluate mfn-ddl' }).click();
    await expect(page.getByRole('button', { name: 'Mistakes of mobilefacenet (pretrained)' })).toBeVisible({
      timeout: 300_000,
    });
    await expect(page.getByRole('button', { name: 'Mistakes of mfn-ddl' })).toBeVisible({ timeout: 300_000 });
    await page.getByRole('checkbox', { name: 'Compare mobilefacenet (pretrained)' }).check();
    await page.getByRole('checkbox', { name: 'Compare mfn-ddl' }).check();
    const compare = page.getByRole('region', { name: 'Compare two runs' });
    await expect(compare.getByRole('figure', { name: /ROC/ }).locator('.recharts-line-curve')).toHaveCount(2);
    await expect(compare.getByRole('table')).toContainText('easy-hard pairs');
    await expect(main).not.toContainText(/NaN|Infinity/);
    await savePageShot(page, 'pretrained-runs');
    await expectAccessible(page, 'pretrained-runs');

    // The pretrained run's own page: zero steps shown as such, no progress division by zero.
    await page.getByRole('button', { name: 'mobilefacenet (pretrained)', exact: true }).click();
    await expect(main.getByText(/no split \(pretrained model, not trained here\)/)).toBeVisible();
    await expect(main).not.toContainText(/NaN|Infinity/);
    await savePageShot(page, 'pretrained-run-details');
  });

  expect(problems).toEqual([]);
});
