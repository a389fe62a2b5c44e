import { expect, test } from './lab-server.js';
import { bigDataset, installFakeLab, trainedLab } from './fake-lab.js';
import { expectAccessible, openPage, watchConsole } from './ui-helpers.js';

// The UI at sizes the tiny end-to-end walk cannot reach in seconds: a 50 000-image dataset, a
// 600-step DDL run, 500 failures. The lab's answers come from the contract-checked fake
// (e2e/fake-lab.ts); the page, its bundle and its CSP are the real server's.

// no action waits forever: a missing button fails the step that needed it, with its name
test.use({ actionTimeout: 30_000 });

test('the thumbnail grid stays virtualised at 50 000 images and fetches pages as it scrolls', async ({ page, lab }) => {
  const problems = watchConsole(page);
  const requests: Array<{ offset: number; limit: number }> = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/api/datasets.images'))
      requests.push(JSON.parse(request.postData() ?? '{}') as { offset: number; limit: number });
  });
  await installFakeLab(page, bigDataset(50_000), { fakeMedia: true });
  await page.goto(lab.url);
  const grid = page.getByRole('region', { name: 'Image grid' });
  await expect(page.getByText('50,000 images', { exact: true })).toBeVisible();
  await expect(grid.getByRole('button', { name: /img0\.jpg/ })).toBeVisible();

  const cells = async () => grid.locator('.virtual-grid-cell').count();
  expect(await cells()).toBeLessThan(400);
  expect(requests.length).toBeLessThanOrEqual(2);

  // jump to the end: the last image is drawn, only the pages on screen were fetched
  await grid.evaluate((element) => {
    (element as unknown as { scrollTop: number; scrollHeight: number }).scrollTop = (
      element as unknown as { scrollHeight: number }
    ).scrollHeight;
  });
  await expect(grid.getByRole('button', { name: /img49999\.jpg/ })).toBeVisible();
  expect(await cells()).toBeLessThan(400);
  expect(requests.length).toBeLessThanOrEqual(5);
  expect(requests.every((r) => r.limit <= 1000)).toBe(true);

  // the middle, by keyboard: the grid scrolls like any scrollable region
  await grid.evaluate((element) => {
    (element as unknown as { scrollTop: number; scrollHeight: number }).scrollTop =
      (element as unknown as { scrollHeight: number }).scrollHeight / 2;
  });
  await expect(grid.getByRole('button', { name: /img2\d{4}\.jpg/ }).first()).toBeVisible();
  await grid
    .getByRole('button', { name: /img2\d{4}\.jpg/ })
    .first()
    .click();
  await expect(page.getByRole('complementary', { name: 'Image details' })).toContainText('person0');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('complementary', { name: 'Image details' })).toHaveCount(0);

  await page.getByRole('tab', { name: /^Identities/ }).click();
  await expect(page.getByText('5,000 identities')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Identities' }).locator('.virtual-grid-cell').first()).toBeVisible();
  expect(await page.getByRole('region', { name: 'Identities' }).locator('.virtual-grid-cell').count()).toBeLessThan(
    400,
  );
  await page.getByRole('tab', { name: /^Bad files/ }).click();
  await expect(page.getByText('truncated: 1')).toBeVisible();
  expect(problems).toEqual([]);
});

test('a long DDL run: every loss term charted, histograms at any recorded step, runs compared, mistakes filtered', async ({
  page,
  lab,
}) => {
  const problems = watchConsole(page);
  await installFakeLab(page, trainedLab({ steps: 600 }), { fakeMedia: true });
  await page.goto(`${lab.url}#/train?run=r2`);
  const run = page.getByRole('region', { name: 'Run ddl-finetune' });
  await expect(run).toBeVisible();
  for (const term of ['cls easy', 'cls hard', 'posKL', 'negKL', 'order', 'total', 'lr', 'images/s']) {
    await expect(
      page
        .getByRole('figure', { name: new RegExp(`^${term.replace('/', '\\/')}\\b`) })
        .locator('.recharts-line-curve')
        .first(),
    ).toBeVisible();
  }
  // four distributions, expectations marked, a step slider to look back
  const distributions = page.getByRole('region', { name: 'Similarity distributions' });
  await expect(distributions.locator('.recharts-reference-line')).toHaveCount(4);
  await expect(distributions.getByText('step 590')).toBeVisible();
  const slider = page.getByLabel('Step', { exact: true });
  await slider.focus();
  await page.keyboard.press('Home');
  await expect(distributions.getByText('step 0', { exact: true })).toBeVisible();
  await page.getByRole('radio', { name: 'genuine vs impostor' }).check();
  await expect(distributions.getByText('Teacher (easy): genuine vs impostor')).toBeVisible();
  // smoothing slider changes the smoothed line, not the raw one
  await page.getByLabel('Smoothing').fill('0');
  await expectAccessible(page, 'train-long-run');

  await openPage(page, 'Runs');
  await page.getByRole('checkbox', { name: 'Compare baseline' }).check();
  await page.getByRole('checkbox', { name: 'Compare ddl-finetune' }).check();
  const compare = page.getByRole('region', { name: 'Compare two runs' });
  await expect(compare.getByRole('figure', { name: /ROC/ }).locator('.recharts-line-curve')).toHaveCount(2);
  await compare.getByRole('radio', { name: 'easy-hard' }).check();
  await expect(compare.getByRole('figure', { name: /ROC/ }).locator('.recharts-line-curve')).toHaveCount(4);
  await expect(compare.getByRole('row', { name: /TAR @ FAR 1e-4/ }).first()).toContainText('n/a');
  await expectAccessible(page, 'runs-compare');

  await page.getByRole('button', { name: 'Mistakes of ddl-finetune' }).click();
  const gallery = page.getByRole('region', { name: 'Failure gallery' });
  await expect(page.getByTestId('failure-count')).toHaveText('500');
  expect(await gallery.getByRole('article').count()).toBeLessThan(60);
  await page.getByLabel('Pair type').selectOption('hard-hard');
  await expect(page.getByTestId('failure-count')).toHaveText('167');
  await expect(gallery.getByRole('article').first()).toContainText('hard-hard');
  await page.getByRole('radio', { name: /false accepts/ }).check();
  await expect(page.getByTestId('failure-count')).toHaveText('0');
  await expect(page.getByText(/No mistakes match these filters/)).toBeVisible();
  await expectAccessible(page, 'inspect-filters');
  expect(problems).toEqual([]);
});
