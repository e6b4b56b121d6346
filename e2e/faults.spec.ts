/**
 * Fault injection: each test breaks something under a run — the GPU context, the worker, the data —
 * and checks that the app says what happened, keeps what it had, and stays usable.
 *
 * Faults inside the worker are injected through `window.__cnnFault`, which the app defines only when
 * the page defines `window.__CNN_DEBUG__` before it loads (see src/ui/debugHook.ts).
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { gzipBytes, makeCifarArchive, makeTar } from '../src/core/testing/fixtures';
import { points, settledPoints, status, watchConsole } from './helpers';

type Fault = 'lose-context' | 'crash' | 'hang';

/** Opts in to fault injection; `hangMs` is how long the UI waits for a silent worker before saying so. */
async function openWithFaults(page: Page, query: string, hangMs: number): Promise<void> {
  await page.addInitScript((ms) => {
    (window as { __CNN_DEBUG__?: unknown }).__CNN_DEBUG__ = { hangMs: ms };
  }, hangMs);
  await page.goto(query);
  await expect(page.getByTestId('backend')).not.toHaveAttribute('data-value', '', { timeout: 60_000 });
}

const inject = (page: Page, fault: Fault) =>
  page.evaluate((f) => (window as unknown as { __cnnFault: (f: Fault) => void }).__cnnFault(f), fault);

test('WebGL context lost mid-training: the run goes on on WASM from its last checkpoint, with a notice, and loses no step', async ({
  page,
}) => {
  const logs = watchConsole(page);
  // A generous hang timeout: a SwiftShader step plus the loss itself can keep the worker busy for seconds.
  await openWithFaults(page, '/?be=webgl&n=600&val=0&ep=2&bs=50&opt=adam&lr=0.002', 60_000);
  await expect(page.getByTestId('backend')).toHaveAttribute('data-value', 'webgl');
  await page.getByTestId('start-training').click();
  await expect.poll(() => points(page), { timeout: 120_000 }).toBeGreaterThanOrEqual(3);

  await inject(page, 'lose-context');
  const notice = page.getByTestId('run-notice');
  await expect(notice).toContainText('context was lost', { timeout: 60_000 });
  await expect(notice).toContainText('WASM');
  await expect(page.getByTestId('backend')).toHaveAttribute('data-value', 'wasm');
  await expect(status(page)).toHaveAttribute('data-state', 'done', { timeout: 180_000 });

  // Both epochs evaluated, every step exactly once (12 per epoch), and a model that learned. The
  // charts follow the store through a deferred render: wait for the last epoch there first (its
  // message comes after the last points), then the point count is final.
  await expect(page.getByTestId('chart-accuracy')).toHaveAttribute('data-epochs', '2');
  expect(await points(page), logs.join('\n')).toBe(24);
  expect(Number(await page.getByTestId('metric-test-accuracy').getAttribute('data-value'))).toBeGreaterThan(0.5);
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
});

test('a worker crash mid-run: the UI says so, keeps the curves, and the restarted worker trains again', async ({ page }) => {
  await openWithFaults(page, '/?n=3000&val=0&ep=3&bs=32', 20_000);
  await page.getByTestId('start-training').click();
  await expect.poll(() => points(page), { timeout: 60_000 }).toBeGreaterThan(3);

  await inject(page, 'crash');
  const banner = page.getByTestId('error-banner');
  await expect(banner).toHaveAttribute('data-kind', 'worker', { timeout: 15_000 });
  await expect(banner).toContainText('crashed');
  await expect(banner).toContainText('curves recorded so far are kept');
  await expect(status(page)).toHaveAttribute('data-state', 'error');
  const kept = await settledPoints(page);
  expect(kept).toBeGreaterThan(3);

  await page.getByTestId('restart-worker').click();
  await expect(banner).toHaveCount(0);
  await expect(page.getByTestId('backend')).not.toHaveAttribute('data-value', '', { timeout: 60_000 });
  expect(await points(page)).toBe(kept);
  await page.getByTestId('start-training').click();
  await expect(status(page)).toHaveAttribute('data-state', 'training', { timeout: 60_000 });
  await page.getByTestId('stop-training').click();
  await expect(status(page)).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
});

test('a hung worker (no heartbeat): the UI says so after the timeout, keeps the curves, and restarts it', async ({ page }) => {
  await openWithFaults(page, '/?n=3000&val=0&ep=3&bs=32', 4_000);
  await page.getByTestId('start-training').click();
  await expect.poll(() => points(page), { timeout: 60_000 }).toBeGreaterThan(3);

  await inject(page, 'hang');
  const banner = page.getByTestId('error-banner');
  await expect(banner).toHaveAttribute('data-kind', 'unresponsive', { timeout: 20_000 });
  await expect(banner).toContainText('has not answered');
  const kept = await settledPoints(page);
  expect(kept).toBeGreaterThan(3);

  await page.getByTestId('restart-worker').click();
  await expect(banner).toHaveCount(0);
  await expect(status(page)).toHaveAttribute('data-state', 'error');
  await expect(status(page)).toContainText('restarted');
  expect(await points(page)).toBe(kept);
  await expect(page.getByTestId('backend')).not.toHaveAttribute('data-value', '', { timeout: 60_000 });
  await page.getByTestId('start-training').click();
  await expect(status(page)).toHaveAttribute('data-state', 'training', { timeout: 60_000 });
  await page.getByTestId('stop-training').click();
  await expect(status(page)).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
});

/**
 * Serves MNIST's gzip'd training images altered by `alter`, as a plain download (no
 * Content-Encoding), so the worker gets the damaged gzip bytes themselves. Returns the undo.
 */
async function alterTrainImages(page: Page, alter: (body: Buffer) => Buffer): Promise<() => Promise<void>> {
  const pattern = '**/data/mnist/train-images-idx3-ubyte.gz*';
  const original = readFileSync('dist/data/mnist/train-images-idx3-ubyte.gz');
  await page.route(pattern, (route) =>
    route.fulfill({ status: 200, body: alter(original), headers: { 'content-type': 'application/gzip' } }),
  );
  return () => page.unroute(pattern);
}

for (const [what, alter, expected] of [
  [
    'truncated',
    (b: Buffer) => b.subarray(0, Math.floor(b.length / 2)),
    /train-images-idx3-ubyte\.gz is truncated: got [\d,]+ of [\d,]+ bytes/,
  ],
  [
    'corrupted',
    (b: Buffer) => {
      const c = Buffer.from(b);
      for (let i = 100_000; i < 100_064; i++) c[i] = c[i]! ^ 0xff;
      return c;
    },
    /train-images-idx3-ubyte\.gz is corrupted: its SHA-256/,
  ],
] as const) {
  test(`a ${what} dataset file gives a specific message and the app stays usable`, async ({ page }) => {
    // Each test has a fresh browser context, so Cache Storage holds no good copy to fall back on.
    await page.goto('/?n=2000&val=0&ep=1&bs=32');
    const undo = await alterTrainImages(page, alter);
    await page.getByTestId('start-training').click();
    const banner = page.getByTestId('error-banner');
    await expect(banner).toHaveAttribute('data-kind', 'data', { timeout: 60_000 });
    await expect(banner).toContainText(expected);
    await expect(status(page)).toHaveAttribute('data-state', 'error');

    // The damaged copy was not cached: once the server is right again, the same run works.
    await undo();
    await page.getByTestId('start-training').click();
    await expect(status(page)).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
    await expect(banner).toHaveCount(0);
    expect(Number(await page.getByTestId('metric-test-accuracy').getAttribute('data-value'))).toBeGreaterThan(0.5);
  });
}

test('a wrong or damaged CIFAR-10 archive gives a specific message and the app stays usable', async ({ page }) => {
  await page.goto('/?n=500&val=0&ep=1&bs=50');
  const input = page.getByTestId('cifar-files');
  const error = page.getByTestId('cifar-error');

  // The Python (pickle) version, not the binary one.
  const python = await gzipBytes(
    makeTar([
      { name: 'cifar-10-batches-py/', type: '5' },
      { name: 'cifar-10-batches-py/data_batch_1', bytes: new Uint8Array(1000).fill(0x80) },
      { name: 'cifar-10-batches-py/test_batch', bytes: new Uint8Array(1000).fill(0x80) },
      { name: 'cifar-10-batches-py/batches.meta', bytes: new Uint8Array(100).fill(0x80) },
    ]),
  );
  await input.setInputFiles({ name: 'cifar-10-python.tar.gz', mimeType: 'application/gzip', buffer: Buffer.from(python) });
  await expect(error).toContainText('Python (pickle) version', { timeout: 30_000 });

  // The right archive, cut off halfway through the download.
  const labels = Array.from({ length: 200 }, (_, i) => i % 10);
  const archive = await makeCifarArchive({ trainBatches: [labels], testLabels: labels });
  await input.setInputFiles({
    name: 'cifar-10-binary.tar.gz',
    mimeType: 'application/gzip',
    buffer: Buffer.from(archive.subarray(0, archive.length >> 1)),
  });
  await expect(error).toContainText(/cifar-10-binary\.tar\.gz: corrupt or truncated gzip data/, { timeout: 30_000 });

  // Not an archive at all.
  await input.setInputFiles({
    name: 'cifar-10-binary.tar.gz',
    mimeType: 'application/gzip',
    buffer: Buffer.from('<html>404 Not Found</html>'),
  });
  await expect(error).toContainText(/CIFAR-10|3,073/, { timeout: 30_000 });
  await expect(error).not.toContainText('corrupt or truncated gzip data');

  // MNIST still trains.
  await page.getByTestId('start-training').click();
  await expect(status(page)).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
});
