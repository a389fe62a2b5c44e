import { expect, freshLabTest as test } from './lab-server.js';
import { expectAccessible, openPage, savePageShot, watchConsole } from './ui-helpers.js';

// The whole job as a new user does it, in server mode, on a fresh data directory: generate a
// SynthFaces dataset, make a split, train a stage-1 baseline and a DDL stage 2 (tiny settings),
// watch the charts fill, evaluate both, compare them, open a failure. Every page is checked with
// axe and photographed (UPDATE_SCREENSHOTS=1 refreshes docs/screenshots).

// no action waits forever: a missing button fails the step that needed it, with its name
test.use({ actionTimeout: 30_000 });

test('a new user walks the whole job: data, split, stage 1, DDL stage 2, evaluation, comparison, a failure', async ({
  page,
  lab,
}) => {
  test.setTimeout(15 * 60_000);
  const problems = watchConsole(page);
  await page.goto(lab.url);

  await test.step('an empty lab offers a demo dataset', async () => {
    await expect(page.getByRole('heading', { name: 'No datasets yet' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Generate a demo dataset' })).toBeVisible();
    await expect(page.getByTestId('status-backend')).not.toHaveText('');
    await expectAccessible(page, 'datasets-empty');
    await savePageShot(page, 'datasets-empty', { docs: true });
  });

  await test.step('generate a small SynthFaces dataset', async () => {
    await page.getByRole('button', { name: 'Generate SynthFaces' }).click();
    const form = page.getByRole('form', { name: 'Generate SynthFaces' });
    await form.getByLabel('Preset').selectOption('pose');
    await form.getByLabel('Identities').fill('32');
    await form.getByLabel('Images per identity').fill('8');
    await form.getByLabel('Image size (px)').selectOption('64');
    await form.getByRole('button', { name: 'Generate 256 images' }).click();
    await expect(page.getByRole('region', { name: /^Dataset / })).toBeVisible({ timeout: 180_000 });
    await expect(page.getByText('256 images', { exact: true })).toBeVisible();
  });

  await test.step('browse it: an image’s details, identities, attribute histograms', async () => {
    const grid = page.getByRole('region', { name: 'Image grid' });
    await grid.getByRole('button').nth(9).click();
    const details = page.getByRole('complementary', { name: 'Image details' });
    await expect(details.getByRole('table', { name: 'Measured at import' })).toContainText('sharpness');
    await expect(details.getByRole('table', { name: 'Attributes (from the dataset files)' })).toContainText('yaw');
    await savePageShot(page, 'datasets', { docs: true });
    await expectAccessible(page, 'datasets');
    await details.getByRole('button', { name: 'Close image details' }).click();

    await page.getByRole('tab', { name: /^Identities/ }).click();
    await page.getByRole('region', { name: 'Identities' }).getByRole('button').first().click();
    await expect(page.getByText(/^8 images of identity/)).toBeVisible();
    await page.getByRole('tab', { name: 'Attributes' }).click();
    await expect(
      page.locator('figure', { hasText: 'abs_yaw' }).locator('.recharts-bar-rectangle').first(),
    ).toBeVisible();
    await expectAccessible(page, 'datasets-attributes');
  });

  await test.step('make a split with live counts', async () => {
    await openPage(page, 'Split');
    const threshold = page.getByLabel('Hard condition 1: threshold');
    await expect(threshold).toHaveValue('45');
    const hard = page.getByTestId('count-hard');
    await expect(hard).toHaveText(/^[1-9]/);
    const atFortyFive = await hard.textContent();
    await threshold.fill('35');
    await expect(hard).not.toHaveText(atFortyFive ?? '');
    await expect(page.getByTestId('count-usable')).toHaveText(/^[1-9]/);
    await threshold.fill('');
    await expect(page.getByText('enter a value')).toBeVisible();
    await threshold.fill('35');
    await expect(page.getByRole('heading', { name: 'At the boundary' })).toBeVisible();
    await page.getByLabel('Split name').fill('pose ≥ 35');
    await page.getByRole('button', { name: 'Save split' }).click();
    await expect(page.getByText('Saved “pose ≥ 35”')).toBeVisible();
    await savePageShot(page, 'split', { docs: true });
    await expectAccessible(page, 'split');
  });

  await test.step('train the stage-1 baseline and watch it', async () => {
    await page.getByRole('button', { name: 'Train with it →' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Train' })).toBeVisible();
    const form = page.getByRole('form', { name: 'New run' });
    await expect(form.getByLabel('Split')).not.toHaveValue('');
    await form.getByLabel('Run name (optional)').fill('baseline');
    const steps = form.getByLabel('Steps', { exact: true });
    await steps.fill('4O');
    await expect(form.getByText('"4O" is not a whole number')).toBeVisible();
    await steps.fill('40');
    await form.getByLabel('Batch size').fill('32');
    await form.getByLabel('Warm-up steps').fill('5');
    await expectAccessible(page, 'train-form');
    await form.getByRole('button', { name: 'Launch stage 1' }).click();
    const run = page.getByRole('region', { name: 'Run baseline' });
    await expect(run.getByText('completed', { exact: true })).toBeVisible({ timeout: 300_000 });
    await expect(page.getByTestId('run-backend')).toHaveText(/wasm|cpu|tensorflow/);
    await expect(page.getByTestId('run-step')).toHaveText('40 / 40');
    await expect(page.getByRole('figure', { name: /^cls/ }).locator('.recharts-line-curve').first()).toBeVisible();
  });

  await test.step('fine-tune it with DDL and watch the distributions move', async () => {
    await page.getByRole('button', { name: 'Fine-tune (stage 2)…' }).click();
    const form = page.getByRole('form', { name: 'New run' });
    await expect(form.getByRole('radio', { name: 'DDL' })).toBeChecked();
    await form.getByLabel('Run name (optional)').fill('ddl-finetune');
    await form.getByLabel('Steps', { exact: true }).fill('40');
    await form.getByLabel('Batch size').fill('8');
    await form.locator('summary', { hasText: 'Logging' }).click();
    await form.getByLabel('Histograms every (steps)').fill('5');
    // the suggested milestone (step 100) lies beyond a 40-step run: the contract's message appears on the field
    await form.getByRole('button', { name: 'Launch stage 2 (DDL)' }).click();
    await expect(form.getByText(/milestones 100 are not before the last step \(40\)/)).toBeVisible();
    await form.getByLabel('Milestones').fill('20');
    await form.getByRole('button', { name: 'Launch stage 2 (DDL)' }).click();

    const distributions = page.getByRole('region', { name: 'Similarity distributions' });
    await expect(distributions.locator('.recharts-area-area').first()).toBeVisible({ timeout: 300_000 });
    await expect(
      page
        .getByRole('figure', { name: /^posKL/ })
        .locator('.recharts-line-curve')
        .first(),
    ).toBeVisible();
    await expect(
      page.getByRole('region', { name: 'Run ddl-finetune' }).getByText('completed', { exact: true }),
    ).toBeVisible({ timeout: 300_000 });
    await expect(page.getByTestId('run-step')).toHaveText('40 / 40');
    await expect(distributions.getByText(/E = \d/).first()).toBeVisible();
    const slider = page.getByLabel('Step', { exact: true });
    await slider.focus();
    await page.keyboard.press('Home');
    await expect(page.getByRole('checkbox', { name: 'follow latest' })).not.toBeChecked();
    await page.getByRole('checkbox', { name: 'follow latest' }).check();
    await savePageShot(page, 'train', { docs: true });
    await expectAccessible(page, 'train');
  });

  await test.step('the split’s teacher/student distributions under the trained baseline', async () => {
    await openPage(page, 'Split');
    const panel = page.getByRole('region', { name: 'Distributions under a trained model' });
    await panel.getByLabel('Model (completed run)').selectOption({ label: 'baseline (stage 1)' });
    await panel.getByRole('button', { name: 'Compute distributions' }).click();
    await expect(panel.getByText('Genuine similarities: teacher vs student')).toBeVisible({ timeout: 120_000 });
    await expect(panel.locator('.recharts-area-area').first()).toBeVisible();
    await expect(panel.getByText(/Teacher genuine \(easy pairs\): E = \d/)).toBeVisible();
    await expectAccessible(page, 'split-distributions');
  });

  await test.step('evaluate both runs and compare them', async () => {
    await openPage(page, 'Runs');
    await page.getByRole('button', { name: 'Evaluate baseline' }).click();
    await page.getByRole('button', { name: 'Evaluate ddl-finetune' }).click();
    await expect(page.getByRole('button', { name: 'Mistakes of baseline' })).toBeVisible({ timeout: 300_000 });
    await expect(page.getByRole('button', { name: 'Mistakes of ddl-finetune' })).toBeVisible({ timeout: 300_000 });
    await page.getByRole('checkbox', { name: 'Compare baseline' }).check();
    await page.getByRole('checkbox', { name: 'Compare ddl-finetune' }).check();
    const compare = page.getByRole('region', { name: 'Compare two runs' });
    await expect(compare.getByRole('figure', { name: /ROC/ }).locator('.recharts-line-curve')).toHaveCount(2);
    await expect(compare.getByRole('table')).toContainText('easy-hard pairs');
    await expect(
      compare.getByRole('figure', { name: 'easy-hard vs easy-easy' }).locator('.recharts-bar-rectangle').first(),
    ).toBeVisible();
    await expect(compare.getByRole('region', { name: 'Metrics of A and B per pair type' })).toContainText(
      'Gaps: how much worse than easy-easy',
    );
    await savePageShot(page, 'runs', { docs: true });
    await expectAccessible(page, 'runs');
  });

  await test.step('show me the mistakes, open one', async () => {
    await page.getByRole('button', { name: 'Mistakes of ddl-finetune' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Inspect' })).toBeVisible();
    const gallery = page.getByRole('region', { name: 'Failure gallery' });
    await expect(gallery.getByRole('article').first()).toBeVisible();
    await expect(gallery.getByRole('article').first()).toContainText('#1');
    await savePageShot(page, 'inspect', { docs: true });
    await expectAccessible(page, 'inspect');
    await gallery.getByRole('article').first().getByRole('button').first().click();
    await expect(page.getByRole('complementary', { name: 'Image details' })).toContainText('Identity');
    await savePageShot(page, 'inspect-details');
    await expectAccessible(page, 'inspect-details');
    await page.getByRole('button', { name: 'Close image details' }).click();
    await page.getByRole('radio', { name: /false rejects/ }).check();
    await expect(gallery.getByRole('article').first()).toContainText('false reject');
  });

  expect(problems).toEqual([]);
});
