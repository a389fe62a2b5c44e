import { expect, test } from './lab-server.js';

test('the served UI loads with its token and is refused without it', async ({ page, lab, request }) => {
  const refused = await request.get(`${lab.origin}/`);
  expect(refused.status()).toBe(401);

  await page.goto(lab.url);
  await expect(page.getByRole('heading', { name: 'DDL Lab' })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('served-ui.png'), fullPage: true });
});
