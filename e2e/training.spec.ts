import { expect, test } from '@playwright/test';
import { points, screenshot, settledPoints, status, uploadSmallCifar, value, watchConsole } from './helpers';

test('trains LeNet-5 on a small MNIST subset in the worker: charts move, status reaches done, test accuracy is meaningful', async ({
  page,
}) => {
  const logs = watchConsole(page);
  await page.goto('/?n=3000&val=500&ep=2&bs=32');
  await expect(page.getByTestId('setting-n')).toHaveValue('3000');
  await expect(page.getByTestId('backend')).not.toHaveAttribute('data-value', '');
  await page.getByTestId('start-training').click();
  await expect(status(page)).toHaveAttribute('data-state', /loading|training/);
  await expect(status(page)).toHaveAttribute('data-state', 'training', { timeout: 60_000 });
  await expect(page.getByTestId('model-table')).toContainText('61,706');
  // The chart gains points while training runs.
  await expect
    .poll(async () => Number(await page.getByTestId('chart-loss').getAttribute('data-points')), { timeout: 60_000 })
    .toBeGreaterThan(5);
  await screenshot(page, 'training');
  await expect(status(page)).toHaveAttribute('data-state', 'done', { timeout: 180_000 });
  await screenshot(page, 'done');
  expect(await value(page, 'epoch')).toBe(2);
  const testAccuracy = await value(page, 'metric-test-accuracy');
  expect(testAccuracy, logs.join('\n')).toBeGreaterThan(0.85);
  expect(testAccuracy).toBeLessThanOrEqual(1);
  expect(await value(page, 'metric-test-loss')).toBeGreaterThan(0);
  expect(await value(page, 'metric-train-loss')).toBeLessThan(1);
  expect(await value(page, 'examples-per-second')).toBeGreaterThan(0);
  // The charts render deferred: the attribute may lag the finished run by a frame.
  await expect(page.getByTestId('chart-accuracy')).toHaveAttribute('data-epochs', '2');
  // Each chart's legend names its lines, in the order they are described.
  await expect(page.getByTestId('chart-loss').locator('.chart-legend-item')).toHaveText([
    'train (per batch, smoothed)',
    'train (epoch mean)',
    'validation',
    'test',
  ]);
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
  // Each chart's plot fills its box at every width, its legend inside it: nothing in the caption (the
  // floated y-axis control) pushes the plot down under its own legend.
  for (const width of [1400, 1100, 800]) {
    await page.setViewportSize({ width, height: 900 });
    await expect
      .poll(() =>
        page.evaluate(() =>
          Array.from(document.querySelectorAll('figure.chart .recharts-wrapper')).map((w) => {
            const box = w.getBoundingClientRect();
            const plot = w.querySelector(':scope > svg')!.getBoundingClientRect();
            const figure = w.closest('figure')!;
            const legend = (w.querySelector('.recharts-legend-wrapper') ?? figure.querySelector('.chart-legend'))?.getBoundingClientRect();
            // The metric charts' legend sits under the plot, inside the figure.
            const inside = !legend || (legend.bottom <= figure.getBoundingClientRect().bottom + 1 && legend.top >= plot.bottom - 1);
            return Math.round(plot.top - box.top) === 0 && inside;
          }),
        ),
      )
      .not.toContain(false);
  }
});

test('a run forced onto WebGL really trains on WebGL in the worker', async ({ page }) => {
  const logs = watchConsole(page);
  await page.goto('/?be=webgl&n=1024&val=0&ep=1&bs=32&opt=adam&lr=0.002');
  await expect(page.getByTestId('backend')).toHaveAttribute('data-value', 'webgl', { timeout: 60_000 });
  await page.getByTestId('start-training').click();
  await expect(status(page)).toHaveAttribute('data-state', 'done', { timeout: 200_000 });
  expect(await page.getByTestId('backend').getAttribute('data-value'), logs.join('\n')).toBe('webgl');
  expect(await value(page, 'metric-test-accuracy')).toBeGreaterThan(0.3);
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
});

test('Stop ends a run mid-epoch and keeps its curves; Pause and Resume work', async ({ page }) => {
  await page.goto('/?val=0&ep=3');
  await page.getByTestId('start-training').click();
  await expect(status(page)).toHaveAttribute('data-state', 'training', { timeout: 60_000 });
  await expect
    .poll(async () => Number(await page.getByTestId('chart-loss').getAttribute('data-points')), { timeout: 60_000 })
    .toBeGreaterThan(3);
  await page.getByTestId('pause-training').click();
  await expect(status(page)).toHaveAttribute('data-state', 'paused');
  // Points already sent land (and the deferred chart catches up); after that a paused run adds none.
  const pausedAt = await settledPoints(page);
  await page.waitForTimeout(1500);
  expect(await points(page)).toBe(pausedAt);
  await page.getByTestId('pause-training').click();
  await expect(status(page)).toHaveAttribute('data-state', 'training');
  await page.getByTestId('stop-training').click();
  await expect(status(page)).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await expect(status(page)).toContainText('Stopped');
  expect(await value(page, 'epoch')).toBe(1);
  expect(Number(await page.getByTestId('chart-loss').getAttribute('data-points'))).toBeGreaterThan(3);
  await expect(page.getByTestId('start-training')).toBeEnabled();
});

test('the address bar reflects the settings, and a bad address gives a notice and defaults, never a blank page', async ({ page }) => {
  await page.goto('/?lr=abc&ds=<script>x</script>&zzz=1&ep=4');
  const notice = page.getByTestId('url-notice');
  await expect(notice).toBeVisible();
  await expect(notice.locator('li')).toHaveCount(3);
  await expect(notice).toContainText('<script>x</script>');
  await expect(page.getByTestId('setting-lr')).toHaveValue('0.01');
  await expect(page.getByTestId('setting-ep')).toHaveValue('4');
  await expect(page.getByTestId('setting-ds')).toHaveValue('mnist');
  await screenshot(page, 'bad-url');

  await page.getByTestId('setting-lr').fill('0.05');
  await page.getByTestId('setting-opt').selectOption('adam');
  await expect.poll(() => new URL(page.url()).searchParams.get('lr')).toBe('0.05');
  expect(new URL(page.url()).searchParams.get('opt')).toBe('adam');
  expect(new URL(page.url()).searchParams.get('ep')).toBe('4');

  // Opening that address restores the settings.
  const shared = page.url();
  const other = await page.context().newPage();
  await other.goto(shared);
  await expect(other.getByTestId('setting-lr')).toHaveValue('0.05');
  await expect(other.getByTestId('setting-opt')).toHaveValue('adam');
  await expect(other.getByTestId('url-notice')).toHaveCount(0);
});

test('CIFAR-10 in the official binary format loads from a file and trains on 32×32×3', async ({ page }) => {
  await page.goto('/?ds=mnist&val=0&ep=1&bs=50');
  await uploadSmallCifar(page);
  await page.getByTestId('setting-ds').selectOption('cifar10');
  await page.getByTestId('start-training').click();
  await expect(status(page)).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  await expect(page.getByTestId('dataset-info')).toContainText('600 train / 100 test');
  await expect(page.getByTestId('model-table')).toContainText('32×32×6');

  // A file that is not CIFAR-10 gives a specific message and the app keeps working.
  await page
    .getByTestId('cifar-files')
    .setInputFiles({ name: 'data_batch_1.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(1000, 7) });
  await expect(page.getByTestId('cifar-error')).toContainText(/3,073|test_batch/);
  await expect(page.getByTestId('start-training')).toBeEnabled();
});

test('the charts are drawn once off screen at load (never visible, gone at idle) and not when a run starts from the address', async ({
  page,
}) => {
  await page.addInitScript(() => {
    const seen: { visibility: string; right: number; hidden: string | null }[] = [];
    (window as unknown as { warmUps: typeof seen }).warmUps = seen;
    new MutationObserver(() => {
      const el = document.querySelector('[data-testid="chart-warm-up"]');
      if (!el || seen.length > 0) return;
      seen.push({
        visibility: getComputedStyle(el).visibility,
        right: el.getBoundingClientRect().right,
        hidden: el.getAttribute('aria-hidden'),
      });
    }).observe(document, { childList: true, subtree: true });
  });
  const warmUps = () => page.evaluate(() => (window as unknown as { warmUps: unknown[] }).warmUps);
  await page.goto('/?n=500&ep=1');
  await expect.poll(async () => (await warmUps()).length, { timeout: 20_000 }).toBe(1);
  const [warmUp] = (await warmUps()) as { visibility: string; right: number; hidden: string | null }[];
  expect(warmUp).toMatchObject({ visibility: 'hidden', hidden: 'true' });
  expect(warmUp!.right).toBeLessThanOrEqual(0);
  await expect(page.getByTestId('chart-warm-up')).toHaveCount(0, { timeout: 20_000 });
  await expect(page.locator('figure.chart')).toHaveCount(2);

  await page.goto('/?n=500&ep=1&autostart=1');
  await expect(status(page)).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  await page.waitForTimeout(1000);
  expect(await warmUps()).toEqual([]);
});
