/**
 * What the end-to-end specs share: reading the app's state from its data attributes, screenshots for
 * looking at by eye, the console as evidence on failure, and a small CIFAR-10 upload.
 */
import { expect, type Locator, type Page } from '@playwright/test';
import { makeCifarArchive } from '../src/core/testing/fixtures';

export const status = (page: Page) => page.getByTestId('run-status');

/** A metric's `data-value` as a number (NaN while it shows "–"). */
export const value = async (page: Page, id: string) => Number(await page.getByTestId(id).getAttribute('data-value'));

/** Points on the loss chart. The charts render deferred, a little behind the store. */
export const points = async (page: Page) => Number(await page.getByTestId('chart-loss').getAttribute('data-points'));

/** The loss chart's point count once it stops changing (the deferred render has caught up). */
export async function settledPoints(page: Page): Promise<number> {
  let last = await points(page);
  for (let i = 0; i < 20; i++) {
    await page.waitForTimeout(600);
    const now = await points(page);
    if (now === last) return now;
    last = now;
  }
  return last;
}

/** A full-page screenshot, or one element's, under test-results/screens/ (looked at by eye). */
export async function screenshot(target: Page | Locator, name: string): Promise<void> {
  await target.screenshot({ path: `test-results/screens/${name}.png`, ...('goto' in target ? { fullPage: true } : {}) });
}

/**
 * Collects the page's and the worker's console errors (and warnings, unless `warnings` is false) and
 * page errors, so a failing test shows them.
 */
export function watchConsole(page: Page, { warnings = true } = {}): string[] {
  const lines: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || (warnings && m.type() === 'warning')) lines.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => lines.push(`pageerror: ${e.message}`));
  return lines;
}

/**
 * Uploads a generated CIFAR-10 archive in the official binary format (600 training images in two
 * batches, 100 test images) through the file picker and waits until it is loaded.
 */
export async function uploadSmallCifar(page: Page): Promise<void> {
  const labels = Array.from({ length: 300 }, (_, i) => i % 10);
  const archive = await makeCifarArchive({ trainBatches: [labels, labels], testLabels: labels.slice(0, 100) });
  await page
    .getByTestId('cifar-files')
    .setInputFiles({ name: 'cifar-10-binary.tar.gz', mimeType: 'application/gzip', buffer: Buffer.from(archive) });
  await expect(page.getByText('loaded from your files')).toBeVisible({ timeout: 30_000 });
}
