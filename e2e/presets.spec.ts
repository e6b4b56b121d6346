/**
 * The presets show what `npm run experiments` measured with their own settings next to the course's
 * numbers, and link to the reproduction report, which the built app serves.
 */
import { expect, test } from '@playwright/test';
import { PRESETS } from '../src/core/presets';
import { screenshot } from './helpers';

test('each preset shows its measured numbers beside the course’s and links to the report', async ({ page }) => {
  await page.goto('/');
  for (const p of PRESETS) {
    const item = page.getByTestId(`preset-${p.id}`);
    await item.locator('summary').click();
    const measured = page.getByTestId(`preset-${p.id}-measured`);
    await expect(measured).toContainText('Course:');
    // Every variant has a row with numbers (not "not measured").
    for (const v of p.variants) await expect(page.getByTestId(`preset-${p.id}-${v.id}-measured`)).toContainText(/\d\.\d{3}/);
    await expect(page.getByTestId(`preset-${p.id}-checks`)).toContainText(/of the course’s claims hold/);
  }
  await expect(page.getByTestId('preset-init')).toContainText('0.098');
  await screenshot(page.getByTestId('presets'), 'presets-measured');

  const [report] = await Promise.all([page.waitForEvent('popup'), page.getByTestId('preset-label-noise-report').click()]);
  await expect(report.locator('h1')).toContainText('Reproducing the course');
  await expect(report.locator('#label-noise')).toHaveCount(1);
  // A variant's link in the report opens the app with that variant's settings.
  const link = report.locator('a[href^="./?v=1"]').first();
  const href = (await link.getAttribute('href'))!;
  await link.click();
  await expect(report.getByTestId('start-training')).toBeVisible();
  expect(new URL(report.url()).search).toBe(href.slice(2));
});
