import { expect, test, type Page } from '@playwright/test';
import { status, value } from './helpers';

async function trainToDone(page: Page) {
  await page.getByTestId('start-training').click();
  await expect(status(page)).toHaveAttribute('data-state', 'training', { timeout: 60_000 });
  await expect(status(page)).toHaveAttribute('data-state', 'done', { timeout: 180_000 });
}

test('label noise set in the UI reaches the training data: training accuracy drops, the realised noise matrix shows ≈ ε', async ({
  page,
}) => {
  await page.goto('/?n=2000&val=0&ep=1&bs=32');
  await trainToDone(page);
  const clean = await value(page, 'metric-train-accuracy');
  await expect(page.getByTestId('noise-matrix')).toHaveCount(0);

  await page.getByTestId('setting-noise').fill('0.5');
  await expect.poll(() => new URL(page.url()).searchParams.get('noise')).toBe('0.5');
  await trainToDone(page);
  const noisy = await value(page, 'metric-train-accuracy');
  expect(noisy).toBeLessThan(clean - 0.2);
  const matrix = page.getByTestId('noise-matrix');
  await expect(matrix).toBeVisible();
  const flipped = Number(await matrix.getAttribute('data-flipped'));
  const count = Number(await matrix.getAttribute('data-count'));
  expect(count).toBe(2000);
  expect(Math.abs(flipped / count - 0.5)).toBeLessThan(0.05);
  // Test accuracy holds up far better than training accuracy (labels of the test set are clean).
  expect(await value(page, 'metric-test-accuracy')).toBeGreaterThan(noisy);
  await page.screenshot({ path: 'test-results/screens/label-noise.png', fullPage: true });
});

test('negative images: a positives-only model is evaluated on both and fails on negatives; |I − mean(I)| makes them equal', async ({
  page,
}) => {
  await page.goto('/?n=4000&val=0&ep=2&bs=32');
  await page.getByTestId('setting-neg').selectOption('test-negative');
  await trainToDone(page);
  const positives = await value(page, 'metric-test-accuracy');
  const negatives = await value(page, 'metric-test-negative-accuracy');
  expect(positives).toBeGreaterThan(0.85);
  expect(negatives).toBeLessThan(positives - 0.4);
  // The legend names the lines this run draws: no validation set, a test-on-negatives line.
  await expect(page.getByTestId('chart-accuracy').locator('.chart-legend-item')).toHaveText([
    'train (per batch, smoothed)',
    'train (epoch mean)',
    'test',
    'test on negatives',
  ]);

  await page.getByTestId('setting-neg').selectOption('abs-mean');
  await trainToDone(page);
  expect(await value(page, 'metric-test-negative-accuracy')).toBeCloseTo(await value(page, 'metric-test-accuracy'), 6);
  await page.screenshot({ path: 'test-results/screens/negatives.png', fullPage: true });
});

test('a diverging run (huge learning rate) stops at once with an explanation and keeps its curves', async ({ page }) => {
  await page.goto('/?n=2000&val=0&ep=2&lr=10&opt=sgd&act=leaky-relu');
  await page.getByTestId('start-training').click();
  await expect(status(page)).toHaveAttribute('data-verdict', 'diverged', { timeout: 120_000 });
  const verdict = page.getByTestId('verdict');
  await expect(verdict).toContainText(/learning rate/i);
  await expect(verdict).toContainText('its curves are kept');
  // The charts render deferred: poll rather than read once.
  await expect.poll(async () => Number(await page.getByTestId('chart-loss').getAttribute('data-points'))).toBeGreaterThan(0);
  await expect(page.getByTestId('start-training')).toBeEnabled();
});
