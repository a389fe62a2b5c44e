import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { APIRequestContext } from '@playwright/test';
import { expect, test, type LabServer } from './lab-server.js';
import { expectAccessible, openPage, savePageShot, watchConsole } from './ui-helpers.js';

// Long work from the UI, against the real lab: importing a folder that holds bad files (progress,
// then the bad-file report with reasons), cancelling a generation, cancelling a run and resuming it.

test.use({ actionTimeout: 30_000 });

async function call(request: APIRequestContext, lab: LabServer, method: string, params: unknown): Promise<any> {
  const response = await request.post(`${lab.origin}/api/${method}`, {
    headers: { authorization: `Bearer ${lab.token}` },
    data: params,
  });
  const body = await response.json();
  if (!body.ok) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

/** A folder of 4 identities × 3 small faces-that-are-squares, plus files the import must refuse. */
async function folderWithBadFiles(root: string): Promise<void> {
  for (let identity = 0; identity < 4; identity += 1) {
    const dir = join(root, `person${identity}`);
    mkdirSync(dir, { recursive: true });
    for (let image = 0; image < 3; image += 1) {
      const png = await sharp({
        create: { width: 40, height: 40, channels: 3, background: { r: 40 * identity, g: 60 + 50 * image, b: 120 } },
      })
        .png()
        .toBuffer();
      writeFileSync(join(dir, `img${image}.png`), png);
    }
  }
  const jpeg = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 200, g: 10, b: 10 } } })
    .jpeg()
    .toBuffer();
  writeFileSync(join(root, 'person0', 'cut.jpg'), jpeg.subarray(0, Math.floor(jpeg.length / 3)));
  writeFileSync(join(root, 'person1', 'notes.jpg'), 'these are not pixels');
  writeFileSync(join(root, 'person2', 'empty.png'), '');
}

test('import a folder with bad files: progress, the new dataset, the bad-file report with reasons', async ({
  page,
  lab,
}) => {
  const problems = watchConsole(page);
  const root = join(lab.dataDir, '..', `${lab.dataDir.split('/').pop()}-import`);
  await folderWithBadFiles(root);
  await page.goto(lab.url);
  await page.getByRole('button', { name: 'Import a folder' }).first().click();
  const form = page.getByRole('form', { name: 'Import a folder' });
  await form.getByRole('button', { name: 'Import' }).click();
  await expect(form.getByText('type the folder to import')).toBeVisible();
  await form.getByLabel('Folder').fill(join(root, 'does-not-exist'));
  await form.getByRole('button', { name: 'Import' }).click();
  await expect(form.getByRole('alert').or(form.locator('.field-error'))).toContainText(/does-not-exist/);
  await form.getByLabel('Folder').fill(root);
  await form.getByLabel('Name (optional)').fill('folder with bad files');
  await form.getByRole('button', { name: 'Import' }).click();
  await expect(page.getByRole('region', { name: 'Dataset folder with bad files' })).toBeVisible({ timeout: 120_000 });
  await expect(page.getByText('12 images', { exact: true })).toBeVisible();
  await page.getByRole('tab', { name: 'Bad files (3)' }).click();
  const report = page.getByRole('region', { name: 'Bad files', exact: true });
  await expect(report).toContainText('cut.jpg');
  await expect(report).toContainText('notes.jpg');
  await expect(report).toContainText('empty.png');
  await expect(page.getByRole('list', { name: 'Bad files by reason' })).toContainText(/empty: 1/);
  await savePageShot(page, 'datasets-bad-files');
  await expectAccessible(page, 'datasets-bad-files');
  expect(problems).toEqual([]);
});

test('long work can be cancelled: a SynthFaces generation, then a run that is resumed from its checkpoint', async ({
  page,
  lab,
  request,
}) => {
  test.setTimeout(10 * 60_000);
  const problems = watchConsole(page);
  await page.goto(lab.url);

  // a generation big enough to still be running when Cancel is pressed
  await page.getByRole('button', { name: 'Generate SynthFaces' }).click();
  const form = page.getByRole('form', { name: 'Generate SynthFaces' });
  await form.getByLabel('Identities').fill('4000');
  await form.getByLabel('Images per identity').fill('12');
  await form.getByRole('button', { name: /^Generate 48,000 images/ }).click();
  await expect(page.getByRole('progressbar', { name: /Generating SynthFaces/ })).toBeVisible();
  await savePageShot(page, 'datasets-generating');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.locator('.job-row', { hasText: 'Generating SynthFaces' })).toContainText('Cancelled.', {
    timeout: 60_000,
  });

  // a small dataset through the API, then a long run from the UI
  const { jobId } = await call(request, lab, 'synth.generate', {
    preset: 'pose',
    identities: 16,
    perIdentity: 6,
    size: 32,
    name: 'tiny',
  });
  await expect
    .poll(async () => (await call(request, lab, 'jobs.get', { jobId })).status, { timeout: 120_000 })
    .toBe('completed');
  // a SynthFaces import brings its preset's split ("pose"), so the Train form has one to offer
  await page.reload();
  await page.getByLabel('Working dataset').selectOption({ label: 'tiny' });
  await openPage(page, 'Train');
  const runForm = page.getByRole('form', { name: 'New run' });
  // The split list loads after the page: launching before it is chosen only shows "choose a split".
  await expect(runForm.getByLabel('Split')).not.toHaveValue('');
  await runForm.getByLabel('Run name (optional)').fill('long');
  await runForm.getByLabel('Steps', { exact: true }).fill('5000');
  await runForm.getByLabel('Batch size').fill('16');
  await runForm.locator('summary', { hasText: 'Logging' }).click();
  await runForm.getByLabel('Checkpoint every (steps)').fill('10');
  await runForm.getByRole('button', { name: 'Launch stage 1' }).click();
  const run = page.getByRole('region', { name: 'Run long' });
  await expect(run.getByText('running', { exact: true })).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('run-step')).not.toHaveText(/^[0-9] \//, { timeout: 120_000 });
  await expect(run.getByRole('progressbar')).toBeVisible();
  await page.getByRole('button', { name: 'Cancel run' }).click();
  await expect(run.getByText('cancelled', { exact: true })).toBeVisible({ timeout: 120_000 });
  const stoppedAt = await page.getByTestId('run-step').textContent();
  await savePageShot(page, 'train-cancelled');
  await expectAccessible(page, 'train-cancelled');

  await page.getByRole('button', { name: 'Resume from checkpoint' }).click();
  await expect(run.getByText('running', { exact: true })).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('run-step')).not.toHaveText(stoppedAt ?? '', { timeout: 120_000 });
  await page.getByRole('button', { name: 'Cancel run' }).click();
  await expect(run.getByText('cancelled', { exact: true })).toBeVisible({ timeout: 120_000 });
  expect(problems).toEqual([]);
});
