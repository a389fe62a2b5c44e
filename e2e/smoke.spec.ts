import { expect, test } from './lab-server.js';

test('the served UI loads with its token and is refused without it', async ({ page, lab, request }) => {
  const refused = await request.get(`${lab.origin}/`);
  expect(refused.status()).toBe(401);

  await page.goto(lab.url);
  await expect(page.getByRole('navigation', { name: 'Pages' })).toContainText('DDL Lab');
  await expect(page.getByRole('heading', { level: 1, name: 'Datasets' })).toBeVisible();
  await expect(page.getByTestId('status-backend')).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('served-ui.png') });
});
