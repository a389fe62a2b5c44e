import { AxeBuilder } from '@axe-core/playwright';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';

// Shared steps of the UI specs: accessibility checks, page screenshots, console watching.

/** axe on the current page: no serious or critical violation (each listed with its nodes when it fails). */
export async function expectAccessible(page: Page, pageName: string): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = blocking
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help}\n${v.nodes
          .slice(0, 5)
          .map((n) => `  ${n.target.join(' ')}: ${n.failureSummary ?? ''}`)
          .join('\n')}`,
    )
    .join('\n');
  // every finding (minor and moderate too) stays with the results, for whoever polishes next
  writeFileSync(
    test.info().outputPath(`axe-${pageName}.json`),
    JSON.stringify(
      results.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => n.target.join(' ')),
      })),
      null,
      2,
    ),
  );
  expect(blocking, `axe on ${pageName}:\n${report}`).toEqual([]);
}

/**
 * A 1400×900 screenshot of the page as the user sees it, kept with the test results; the README's
 * ones (`docs: true`) are also copied to docs/screenshots/<name>.png when UPDATE_SCREENSHOTS=1.
 */
export async function savePageShot(page: Page, name: string, options: { docs?: boolean } = {}): Promise<void> {
  await page.mouse.move(0, 0);
  const path = test.info().outputPath(`${name}.png`);
  await page.screenshot({ path });
  if (options.docs && process.env.UPDATE_SCREENSHOTS === '1') {
    const docs = join(process.cwd(), 'docs', 'screenshots');
    mkdirSync(docs, { recursive: true });
    copyFileSync(path, join(docs, `${name}.png`));
  }
}

/** Page errors and CSP refusals fail the test: the UI must run under its strict policy. */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    const text = message.text();
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(text)) problems.push(`CSP: ${text}`);
  });
  return problems;
}

export async function openPage(page: Page, name: 'Datasets' | 'Split' | 'Train' | 'Runs' | 'Inspect'): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Pages' })
    .getByRole('link', { name: new RegExp(`^${name}`) })
    .click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
}
