import { readFileSync } from 'node:fs';
import { expect, freshLabTest as test } from './lab-server.js';
import { expectAccessible, savePageShot, watchConsole } from './ui-helpers.js';

// A new user on the Experiments page: defines a 2-variant × 3-seed experiment on the `tiny` base
// (seconds a run), watches it run, reads the results table and exports the CSV. Real lab, real
// runs: 3 stage 1s, 3 shared classification-only fine-tunes, 6 DDL fine-tunes, 9 evaluations.

test.use({ actionTimeout: 30_000 });

test('define a 2-variant × 3-seed experiment, watch it run, read the table, export the CSV', async ({ page, lab }) => {
  // A couple of minutes on a quiet 2-core machine; far longer when the cores are shared.
  test.setTimeout(1_080_000);
  const problems = watchConsole(page);
  await page.goto(lab.url);
  await page
    .getByRole('navigation', { name: 'Pages' })
    .getByRole('link', { name: /Experiments/ })
    .click();
  await expect(page.getByRole('heading', { name: 'Experiments', level: 1 })).toBeVisible();
  await expect(page.getByText('No experiments yet')).toBeVisible();

  // The form's two default variants (reference and ×10 weights); the tiny base, seeds 1-3.
  const define = page.getByRole('region', { name: 'Define an experiment' });
  await define.getByLabel('Name', { exact: true }).fill('weights, tiny');
  await define.getByLabel('Base settings').selectOption('tiny');
  await define.getByLabel('First seed').fill('1');
  await define.getByLabel('Seeds', { exact: true }).fill('3');
  await expect(define.getByLabel('variant 1 name')).toHaveValue('reference weights');
  await expect(define.getByLabel('variant 2 name')).toHaveValue('x10 weights');
  await savePageShot(page, 'experiments-defined');
  await define.getByRole('button', { name: 'Run experiment' }).click();

  // Watching it: the experiment is listed, running, with its progress over 15 cells.
  const results = page.getByRole('region', { name: /#\d+ weights, tiny/ });
  await expect(results).toBeVisible();
  await expect(results.getByText(/running/).first()).toBeVisible();
  await expect(results.getByText(/\d+\/15 runs done; seeds 1, 2, 3/)).toBeVisible();
  // A run's live step shows while it trains (the page polls the experiment every 3 s).
  await expect(results.getByText(/seed \d · .*: step \d+\/10/).first()).toBeVisible({ timeout: 120_000 });
  await savePageShot(page, 'experiments-running');

  await expect(results.getByText('15/15 runs done; seeds 1, 2, 3')).toBeVisible({ timeout: 960_000 });
  await expect(results.getByText('completed').first()).toBeVisible();

  // The table: per variant, 3 paired seeds; the margin gap row with both arms, the difference, CI and p.
  for (const variant of ['reference weights', 'x10 weights']) {
    const table = results.getByRole('table', { name: `${variant}: 3 paired seeds` });
    await expect(table).toBeVisible();
    const gap = table.getByRole('row', { name: /^margin gap \(easy-easy - easy-hard\)/ });
    const cells = await gap.getByRole('cell').allInnerTexts();
    expect(cells).toHaveLength(6);
    expect(cells[1]).toMatch(/^-?\d\.\d+ ± \d\.\d+$/); // cls-only mean ± sd
    expect(cells[2]).toMatch(/^-?\d\.\d+ ± \d\.\d+$/); // DDL mean ± sd
    expect(cells[4]).toMatch(/^\[-?\d\.\d+, -?\d\.\d+\]$/); // 95% CI
    expect(cells[5]).toMatch(/^\d\.\d+\*?$/); // p
  }
  await expect(results.getByRole('figure', { name: /forest plot/ }).first()).toBeVisible();
  await savePageShot(page, 'experiments-results');
  await expectAccessible(page, 'experiments-results');

  // Export: a CSV file of every variant × metric with the paired difference, its CI and p.
  const downloading = page.waitForEvent('download');
  await results.getByRole('button', { name: 'Export CSV' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^experiment-\d+\.csv$/);
  const path = test.info().outputPath('experiment.csv');
  await download.saveAs(path);
  const [header, ...rows] = readFileSync(path, 'utf8').trim().split('\n');
  expect(header!.split(',')).toEqual(
    expect.arrayContaining(['variant', 'metric', 'seeds', 'ci95_low', 'ci95_high', 'p']),
  );
  const gapRows = rows.filter((r) => r.split(',')[1] === 'marginGap');
  expect(gapRows.map((r) => r.split(',')[0])).toEqual(['reference weights', 'x10 weights']);
  for (const row of gapRows) {
    const fields = row.split(',');
    const column = (name: string) => fields[header!.split(',').indexOf(name)]!;
    expect(column('seeds')).toBe('3');
    expect(Number(column('ci95_low'))).toBeLessThanOrEqual(Number(column('diff_mean')));
    expect(Number(column('ci95_high'))).toBeGreaterThanOrEqual(Number(column('diff_mean')));
  }
  expect(problems).toEqual([]);
});
