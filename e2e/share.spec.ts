import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { screenshot, status } from './helpers';

/** Tiny runs: 1000 examples, no validation, one epoch. */
const TINY = '/?n=1000&val=0&ep=1&bs=64';

async function trainOnce(page: Page) {
  await page.getByTestId('start-training').click();
  await expect(status(page)).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
}

test('a shared link opens with its settings in a fresh browser; Copy link copies it, or falls back to a selected field', async ({
  browser,
  baseURL,
}) => {
  // In the canonical (schema) order, as Copy link writes it.
  const shared = `${baseURL}?v=1&ds=fashion&m=mlp&bn=1&opt=adam&lr=0.002&bs=128&ep=3&seed=42`;
  const context = await browser.newContext({ baseURL: baseURL!, permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await context.newPage();
  await page.goto(shared);
  await expect(page.getByTestId('setting-ds')).toHaveValue('fashion');
  await expect(page.getByTestId('setting-m')).toHaveValue('mlp');
  await expect(page.getByTestId('setting-opt')).toHaveValue('adam');
  await expect(page.getByTestId('setting-lr')).toHaveValue('0.002');
  await expect(page.getByTestId('setting-bs')).toHaveValue('128');
  await expect(page.getByTestId('setting-seed')).toHaveValue('42');
  await expect(page.getByTestId('setting-bn')).toBeChecked();
  await expect(page.getByTestId('url-notice')).toHaveCount(0);

  await page.getByTestId('copy-link').click();
  await expect(page.getByTestId('copy-status')).toHaveText('Link copied');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(new URL(copied).search).toBe(new URL(shared).search);
  await context.close();

  // No clipboard access: the link is shown in a read-only, selected field.
  const blocked = await browser.newContext({ baseURL: baseURL! });
  const other = await blocked.newPage();
  await other.addInitScript(() => {
    Object.defineProperty(navigator, 'clipboard', { value: { writeText: () => Promise.reject(new Error('denied')) } });
  });
  await other.goto(shared);
  await other.getByTestId('share-autostart').check();
  await other.getByTestId('copy-link').click();
  const field = other.getByTestId('share-url');
  await expect(field).toBeVisible();
  await expect(field).toHaveAttribute('readonly', '');
  expect(new URL(await field.inputValue()).search).toBe(`${new URL(shared).search}&autostart=1`);
  await expect
    .poll(() =>
      other.evaluate(() => {
        const el = document.activeElement as HTMLInputElement | null;
        return el ? el.value.slice(el.selectionStart ?? 0, el.selectionEnd ?? 0) : '';
      }),
    )
    .toBe(await field.inputValue());
  await blocked.close();
});

test('presets load their settings into the form and the address; script-like names and URLs stay text', async ({ page }) => {
  await page.goto('/?ds=%3Cimg%20src%3Dx%20onerror%3D%22window.__xss%3D1%22%3E');
  await expect(page.getByTestId('url-notice')).toContainText('<img src=x onerror=');
  await page.getByTestId('preset-init').locator('summary').click();
  await expect(page.getByTestId('preset-init')).toContainText('0.098');
  await page.getByTestId('preset-init-std-0.01').click();
  await expect(page.getByTestId('setting-opt')).toHaveValue('sgd');
  await expect(page.getByTestId('setting-init')).toHaveValue('random-normal');
  await expect(page.getByTestId('setting-iscale')).toHaveValue('0.01');
  await expect.poll(() => new URL(page.url()).searchParams.get('iscale')).toBe('0.01');
  expect(new URL(page.url()).searchParams.get('init')).toBe('random-normal');
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
});

test('autostart=1 opens and trains at once; the flag leaves the address and the run lands in the history', async ({ page }) => {
  await page.goto(`${TINY}&autostart=1`);
  await expect(status(page)).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  expect(new URL(page.url()).searchParams.has('autostart')).toBe(false);
  expect(new URL(page.url()).searchParams.get('n')).toBe('1000');
  await expect(page.getByTestId('run-row')).toHaveCount(1);
  await expect(page.getByTestId('url-notice')).toHaveCount(0);

  // The JSON export has the run with its settings' URL, per-epoch metrics and the final confusion matrix.
  const download = page.waitForEvent('download');
  await page.getByTestId('export-json').click();
  const json = JSON.parse(await readFile(await (await download).path(), 'utf8')) as {
    format: string;
    runs: { url: string; epochs: unknown[]; batches: unknown[]; confusion: number[][] }[];
  };
  expect(json.format).toBe('cnn-playground-runs');
  expect(json.runs).toHaveLength(1);
  expect(json.runs[0]!.url).toBe('?v=1&n=1000&val=0&bs=64&ep=1');
  expect(json.runs[0]!.epochs).toHaveLength(1);
  expect(json.runs[0]!.batches.length).toBeGreaterThan(0);
  expect(json.runs[0]!.batches.length).toBeLessThanOrEqual(500);
  expect(json.runs[0]!.confusion).toHaveLength(10);
  expect(json.runs[0]!.confusion.flat().reduce((a, b) => a + b, 0)).toBe(10000);
});

test('two runs are kept in the history, overlay on one chart, survive a reload, and export as CSV', async ({ page }) => {
  await page.goto(TINY);
  await trainOnce(page);
  await expect(page.getByTestId('run-row')).toHaveCount(1);
  await page.getByTestId('setting-opt').selectOption('adam');
  await page.getByTestId('setting-lr').fill('0.001');
  await trainOnce(page);
  await expect(page.getByTestId('run-row')).toHaveCount(2);

  // Rename: plain text only, even when it looks like markup.
  const name = page.getByTestId('run-name').first();
  await name.fill('<img src=x onerror="window.__xss=1">');
  await name.press('Enter');

  await page.getByLabel('Select all runs').check();
  const chart = page.getByTestId('compare-chart');
  await expect(chart).toHaveAttribute('data-series', '2');
  // The legend names the runs by the settings that differ, and only those.
  expect((await chart.getAttribute('data-legend'))!.split('|').sort()).toEqual(['opt=adam lr=0.001', 'opt=momentum lr=0.01']);
  await expect(chart.locator('.recharts-line')).toHaveCount(2);
  await screenshot(page, 'compare');

  await page.reload();
  await expect(page.getByTestId('run-row')).toHaveCount(2);
  await expect(page.getByTestId('run-name').first()).toHaveValue('<img src=x onerror="window.__xss=1">');
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  await expect(page.getByTestId('storage-usage')).toContainText('2 runs');

  const download = page.waitForEvent('download');
  await page.getByTestId('export-csv').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/\.csv$/);
  const csv = await readFile(await file.path(), 'utf8');
  const lines = csv.trimEnd().split(/\r\n/);
  expect(lines[0]).toBe(
    'run,name,epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,test_loss,test_accuracy,test_negative_loss,test_negative_accuracy,learning_rate,epoch_seconds',
  );
  expect(lines).toHaveLength(3);
  for (const line of lines.slice(1)) {
    const testAccuracy = Number(line.split(',').at(-5));
    expect(testAccuracy).toBeGreaterThan(0.1);
    expect(testAccuracy).toBeLessThanOrEqual(1);
  }

  // Delete one, then clear the rest.
  await page.getByTestId('run-delete').first().click();
  await expect(page.getByTestId('run-row')).toHaveCount(1);
  page.once('dialog', (d) => void d.accept());
  await page.getByTestId('clear-history').click();
  await expect(page.getByTestId('run-row')).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('history')).toHaveAttribute('data-count', '0');
});

test('a 3-trial repeat runs seeds s, s+1, s+2 and reports mean ± std of the final test accuracy', async ({ page }) => {
  await page.goto(`${TINY}&seed=5`);
  await page.getByTestId('repeat-count').fill('3');
  await page.getByTestId('repeat-start').click();
  const sequence = page.getByTestId('sequence');
  await expect(sequence).toHaveAttribute('data-running', 'false', { timeout: 300_000 });
  await expect(sequence).toHaveAttribute('data-done', '3');
  const acc = page.getByTestId('repeat-accuracy');
  await expect(acc).toContainText('±');
  await expect(acc).toHaveAttribute('data-n', '3');
  const mean = Number(await acc.getAttribute('data-mean'));
  const std = Number(await acc.getAttribute('data-std'));
  expect(mean).toBeGreaterThan(0.1);
  expect(std).toBeGreaterThanOrEqual(0);
  expect(Number(await acc.getAttribute('data-variance'))).toBeCloseTo(std * std, 10);
  await expect(page.getByTestId('repeat-loss')).toContainText('±');
  await expect(page.getByTestId('run-row')).toHaveCount(3);
  // The form is back at the first seed, and the three runs are selected for comparison.
  await expect(page.getByTestId('setting-seed')).toHaveValue('5');
  await expect(page.getByTestId('compare-chart')).toHaveAttribute('data-series', '3');
  await screenshot(page, 'repeat');
});

test('a sweep runs one setting over its values; Cancel keeps the finished results', async ({ page }) => {
  // Runs long enough (4,000 examples, a few seconds each) that Cancel lands before the third one ends.
  await page.goto('/?n=4000&val=0&bs=64&ep=1');
  await page.getByTestId('sweep-param').selectOption('labelNoise');
  await page.getByTestId('sweep-values').fill('0, 7, 0.8, 0.4');
  await expect(page.getByTestId('sweep-rejected')).toContainText('outside');
  await page.getByTestId('sweep-start').click();
  const results = page.getByTestId('sweep-results');
  await expect(results).toHaveAttribute('data-done', '1', { timeout: 120_000 });
  await page.getByTestId('sweep-cancel').click();
  await expect(results).toHaveAttribute('data-running', 'false', { timeout: 60_000 });
  const done = Number(await results.getAttribute('data-done'));
  expect(done).toBeGreaterThanOrEqual(1);
  expect(done).toBeLessThan(3);
  await expect(results).toContainText('cancelled');
  await expect(page.getByTestId('sweep-chart')).toHaveAttribute('data-points', String(done));
  await expect(results.locator('tbody tr')).toHaveCount(done);
  await expect(page.getByTestId('run-row')).toHaveCount(done);
  // The form is back at the settings the sweep started from.
  await expect(page.getByTestId('setting-noise')).toHaveValue('0');
  await page.getByTestId('sweep').screenshot({ path: 'test-results/screens/sweep.png' });
});

/** Elements whose right edge passes the viewport: what makes a page scroll sideways. */
function overflowing(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((sel) => {
    const width = document.documentElement.clientWidth;
    return (
      Array.from(document.querySelectorAll(`${sel}, ${sel} *`))
        // A table inside its own scroll box scrolls there, not the page.
        .filter((el) => el.getBoundingClientRect().right > width + 0.5 && !el.closest('.table-scroll'))
        .map((el) => `${el.tagName.toLowerCase()}.${String(el.className)} ${el.getAttribute('data-testid') ?? ''}`)
    );
  }, selector);
}

for (const width of [1024, 390]) {
  test(`layout at ${width} px: no horizontal scrolling from the share, repeat, history and preset panels`, async ({ page }) => {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(TINY);
    await trainOnce(page);
    await page.getByTestId('run-select').first().check();
    await page.getByTestId('preset-negatives').locator('summary').click();
    await page.getByTestId('copy-link').click();
    await page.waitForTimeout(300);
    await screenshot(page, `layout-${width}`);
    await page.locator('header').screenshot({ path: `test-results/screens/layout-${width}-header.png` });
    for (const id of ['repeat', 'history', 'presets'])
      await page.getByTestId(id).screenshot({ path: `test-results/screens/layout-${width}-${id}.png` });
    for (const sel of ['header', '.run', '.charts', '[data-testid="repeat"]', '[data-testid="history"]', '[data-testid="presets"]']) {
      expect(await overflowing(page, sel), sel).toEqual([]);
    }
    if (width === 1024) {
      // At 1024 px the runs table fits without scrolling inside its box either.
      expect(await page.locator('.history .table-scroll').evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
      expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    }
  });
}
