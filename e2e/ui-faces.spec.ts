import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { expect, test } from './lab-server.js';
import { expectAccessible, savePageShot, watchConsole } from './ui-helpers.js';

// "Find and align faces" from the Datasets page, against the real lab: a folder of ordinary
// photos (one sub-folder per person) imported with face detection shows the photo with its box and
// landmarks beside the aligned crop, a grid of aligned faces, and histograms of the estimated pose.

test.use({ actionTimeout: 30_000 });

const demo = join(dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo');

test('import photos with "Find and align faces": overlay, aligned crops, pose histograms', async ({ page, lab }) => {
  const problems = watchConsole(page);
  const root = join(lab.dataDir, '..', `${lab.dataDir.split('/').pop()}-photos`);
  for (const [person, photos] of [
    ['ann', [1, 3]],
    ['eve', [5, 6]],
  ] as const) {
    mkdirSync(join(root, person), { recursive: true });
    for (const k of photos) copyFileSync(join(demo, `sample${k}.jpg`), join(root, person, `${k}.jpg`));
  }
  await page.goto(lab.url);
  await page.getByRole('button', { name: 'Import a folder' }).first().click();
  const form = page.getByRole('form', { name: 'Import a folder' });
  await form.getByLabel('Folder').fill(root);
  await form.getByLabel('Name (optional)').fill('party photos');
  await form.getByLabel('Find and align faces').selectOption('detect');
  await form.getByRole('button', { name: 'Import' }).click();
  await expect(page.getByRole('region', { name: 'Dataset party photos' })).toBeVisible({ timeout: 180_000 });
  await expect(page.getByText('4 images', { exact: true })).toBeVisible();

  const grid = page.getByRole('region', { name: 'Image grid' });
  await grid.getByRole('button').first().click();
  const details = page.getByRole('complementary', { name: 'Image details' });
  await expect(details.getByRole('img', { name: /face 0 box and five landmarks/ })).toBeVisible();
  await expect(details.getByRole('img', { name: 'aligned crop' })).toBeVisible();
  await expect(details.getByRole('table', { name: 'Estimated from the face' })).toContainText('yaw');
  await savePageShot(page, 'datasets-faces');
  await expectAccessible(page, 'datasets-faces');
  await details.getByRole('button', { name: 'Close image details' }).click();

  await page.getByLabel('Show').selectOption('aligned');
  await expect(grid.locator('img[src^="data:image/png"]')).toHaveCount(4);

  await page.getByRole('tab', { name: 'Attributes' }).click();
  for (const name of ['yaw', 'pitch', 'roll'])
    await expect(
      page
        .locator('figure', { hasText: new RegExp(`^${name}`) })
        .locator('.recharts-bar-rectangle')
        .first(),
    ).toBeVisible();
  expect(problems).toEqual([]);
});
