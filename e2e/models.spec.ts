/**
 * Save and load a model: a trained model downloads as model.json + weights, loads back after a reload
 * with the run's test accuracy (and drives the panels and the drawing pad); bad files get their own
 * message and leave the app usable. And the run history when the browser's storage is full.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Download, type Page } from '@playwright/test';
import { points, status } from './helpers';

/** A stroke on the drawing pad with the mouse: `points` in [0, 1] of the pad. */
async function stroke(page: Page, at: [number, number][]) {
  const pad = page.getByTestId('draw-canvas');
  await pad.scrollIntoViewIfNeeded();
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const box = (await pad.boundingBox())!;
  const xy = ([x, y]: [number, number]) => [box.x + x * box.width, box.y + y * box.height] as const;
  await page.mouse.move(...xy(at[0]!));
  await page.mouse.down();
  for (const p of at.slice(1)) await page.mouse.move(...xy(p), { steps: 6 });
  await page.mouse.up();
}

test('a trained model downloads, loads back after a reload with the same test accuracy, drives the panels; bad files get their own message', async ({
  page,
}, testInfo) => {
  await page.goto('/?n=512&val=0&ep=1&bs=64&opt=adam&lr=0.002');
  await page.getByTestId('start-training').click();
  await expect(status(page)).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  const runAccuracy = Number(await page.getByTestId('metric-test-accuracy').getAttribute('data-value'));
  expect(runAccuracy).toBeGreaterThan(0.5);

  // Download: model.json first, then its weights.
  const downloads: Download[] = [];
  page.on('download', (d) => downloads.push(d));
  await page.getByTestId('download-model').click();
  await expect.poll(() => downloads.length, { timeout: 30_000 }).toBe(2);
  const names = downloads.map((d) => d.suggestedFilename());
  expect(names).toEqual(['mnist-lenet5.json', 'mnist-lenet5.weights.bin']);
  const paths = await Promise.all(
    downloads.map(async (d) => {
      const path = testInfo.outputPath(d.suggestedFilename());
      await d.saveAs(path);
      return path;
    }),
  );
  const [jsonPath, weightsPath] = paths as [string, string];
  const modelJson = JSON.parse(readFileSync(jsonPath, 'utf8')) as {
    format: string;
    weightsManifest: { paths: string[] }[];
    userDefinedMetadata: Record<string, unknown>;
  };
  expect(modelJson.format).toBe('layers-model');
  expect(modelJson.weightsManifest[0]!.paths).toEqual(['./mnist-lenet5.weights.bin']);
  expect(modelJson.userDefinedMetadata).toMatchObject({
    dataset: 'mnist',
    inputShape: [28, 28, 1],
    epochs: 1,
    testAccuracy: runAccuracy,
    preprocessing: { mean: [0], std: [1] },
  });
  expect(modelJson.userDefinedMetadata['settings']).toContain('n=512');
  const weights = readFileSync(weightsPath);
  expect(weights.length).toBe(61_706 * 4);

  // A fresh page: no model in the worker. Load the two files.
  await page.reload();
  await expect(page.getByTestId('backend')).not.toHaveAttribute('data-value', '', { timeout: 60_000 });
  const input = page.getByTestId('model-files');
  await input.setInputFiles(paths);
  const loaded = page.getByTestId('model-status');
  await expect(loaded).toContainText('Loaded model mnist-lenet5.json — test accuracy', { timeout: 60_000 });
  expect(Number(await loaded.getAttribute('data-accuracy'))).toBeCloseTo(runAccuracy, 4);
  await expect(page.getByTestId('model-error')).toHaveCount(0);
  // Its layer table, the confusion matrix of the whole test set, and the drawing pad work on it.
  await expect(page.getByTestId('param-count')).toHaveAttribute('data-value', '61706');
  const matrix = page.getByTestId('confusion-matrix');
  await expect(matrix).toHaveAttribute('data-total', '10000');
  const counts = await matrix.getByTestId('matrix-cell').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))));
  expect(counts.filter((_, i) => i % 11 === 0).reduce((a, b) => a + b, 0) / 10000).toBeCloseTo(runAccuracy, 4);
  await stroke(page, [
    [0.52, 0.12],
    [0.5, 0.88],
  ]);
  await expect(page.getByTestId('draw-probabilities')).toBeVisible({ timeout: 15_000 });
  await page.getByTestId('model-files').scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/screens/models-loaded.png', fullPage: true });

  // The weights cut off: named, with both sizes; the loaded model stays.
  const error = page.getByTestId('model-error');
  await input.setInputFiles([
    { name: 'mnist-lenet5.json', mimeType: 'application/json', buffer: readFileSync(jsonPath) },
    { name: 'mnist-lenet5.weights.bin', mimeType: 'application/octet-stream', buffer: weights.subarray(0, 100_000) },
  ]);
  await expect(error).toHaveText(
    'mnist-lenet5.weights.bin is truncated: it has 100,000 bytes, but mnist-lenet5.json describes 246,824 bytes of weights. Download the model again (both files), or choose the complete weights file.',
  );
  await expect(loaded).toBeVisible();

  // Some other JSON file.
  await input.setInputFiles({
    name: 'package.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"name":"cnn-playground","version":"0.1.0"}'),
  });
  await expect(error).toHaveText(
    'package.json is JSON but not a TensorFlow.js layers model: it has no modelTopology and no weightsManifest.',
  );
  await page.getByTestId('model-files').scrollIntoViewIfNeeded();
  await page.getByTestId('model-files').locator('xpath=ancestor::section').screenshot({ path: 'test-results/screens/models-error.png' });
  await expect(page.getByTestId('error-banner')).toHaveCount(0);

  // Training still works afterwards.
  await page.getByTestId('start-training').click();
  await expect(status(page)).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  await expect(loaded).toHaveCount(0);
  expect(Number(await page.getByTestId('metric-test-accuracy').getAttribute('data-value'))).toBeCloseTo(runAccuracy, 4);
});

/**
 * Two ways a full disk shows: what browsers do (the put is accepted, then the transaction aborts with a
 * QuotaExceededError), and a put that throws it at once.
 */
const QUOTA_FAULTS = {
  'the transaction aborts': () => {
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<typeof put>) {
      const request = put.apply(this, args);
      const tx = this.transaction;
      Object.defineProperty(tx, 'error', { get: () => new DOMException('full', 'QuotaExceededError') });
      tx.abort();
      return request;
    };
  },
  'the put throws': () => {
    IDBObjectStore.prototype.put = () => {
      throw new DOMException('full', 'QuotaExceededError');
    };
  },
};

for (const [how, fault] of Object.entries(QUOTA_FAULTS)) {
  test(`storage full when a run is saved to the history (${how}): the user is told, the curves stay, nothing half-written is kept`, async ({
    page,
    context,
  }) => {
    await page.addInitScript(fault);
    await page.goto('/?n=512&val=0&ep=1&bs=64');
    await expect(page.getByTestId('history')).toHaveAttribute('data-count', '0');
    await page.getByTestId('start-training').click();
    await expect(status(page)).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
    const message = page.getByTestId('history-message');
    await expect(message).toContainText("The browser's storage for this site is full, so the run was not saved.");
    await expect(message).toContainText('nothing was half-written');
    await expect(page.getByTestId('history')).toHaveAttribute('data-count', '0');
    // The run itself is untouched: curves and metrics on screen, no run error.
    // The charts render deferred: the last epoch there first (it comes after the last points).
    await expect(page.getByTestId('chart-accuracy')).toHaveAttribute('data-epochs', '1');
    expect(await points(page)).toBe(8);
    await expect(page.getByTestId('metric-test-accuracy')).not.toHaveAttribute('data-value', '');
    await expect(page.getByTestId('error-banner')).toHaveCount(0);

    // Without the fault (a new page of the same browser profile): the history is empty, not half-written.
    await page.close();
    const fresh = await context.newPage();
    await fresh.goto('/?n=512&val=0&ep=1&bs=64');
    await expect(fresh.getByTestId('history')).toHaveAttribute('data-count', '0');
    await expect(fresh.getByTestId('history-message')).toHaveCount(0);
    const stored = await fresh.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const open = indexedDB.open('cnn-playground');
          open.onerror = () => reject(open.error ?? new Error('indexedDB.open failed'));
          open.onsuccess = () => {
            const count = open.result.transaction('runs').objectStore('runs').count();
            count.onsuccess = () => resolve(count.result);
            count.onerror = () => reject(count.error ?? new Error('count failed'));
          };
        }),
    );
    expect(stored).toBe(0);
    // And the next run is kept.
    await fresh.getByTestId('start-training').click();
    await expect(fresh.getByTestId('history')).toHaveAttribute('data-count', '1', { timeout: 120_000 });
  });
}
