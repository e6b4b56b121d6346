/**
 * Data that does not arrive as it should: served with Content-Encoding: gzip (Vite's preview, the
 * server these tests run against, does that for the .gz files), never prepared (a web page where the
 * data should be), stalled, or damaged after the browser decompressed it. Each says what happened,
 * names the file and the fix, and the offered action (Stop, Retry) works.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { expect, test, type Page, type Route } from '@playwright/test';
import { screenshot, status } from './helpers';

const QUERY = '/?n=500&val=0&ep=1&bs=50';

/**
 * Holds the requests matching `pattern` unanswered (a stalled server) until the returned `release`
 * stops intercepting and aborts the held ones: a request left paused in the browser can hold up the
 * page's later requests for the same file.
 */
async function holdRequests(page: Page, pattern: string, onHold: () => void = () => undefined): Promise<() => Promise<void>> {
  const held: Route[] = [];
  await page.route(pattern, (route) => {
    held.push(route);
    onHold();
  });
  return async () => {
    await page.unroute(pattern);
    await Promise.all(held.splice(0).map((route) => route.abort().catch(() => undefined)));
  };
}
const TRAIN_IMAGES = '**/data/mnist/train-images-idx3-ubyte.gz*';
const banner = (page: Page) => page.getByTestId('error-banner');

/** The page as a static host serves it for a missing file: the app's own index.html. */
const INDEX_HTML = readFileSync('dist/index.html');

/** Opts in to test timeouts (see src/ui/debugHook.ts): how long a download may receive nothing. */
async function open(page: Page, query: string, debug: { stallMs?: number } = {}): Promise<void> {
  await page.addInitScript((d) => {
    (window as { __CNN_DEBUG__?: unknown }).__CNN_DEBUG__ = d;
  }, debug);
  await page.goto(query);
  await expect(page.getByTestId('backend')).not.toHaveAttribute('data-value', '', { timeout: 60_000 });
}

test('download progress stays within 100 % when the server sends the .gz files with Content-Encoding: gzip, and the files are still checked', async ({
  page,
  request,
}) => {
  // The premise: this server (vite preview, as `npm start` runs it) sends them encoded.
  const probe = await request.get('/data/mnist/train-labels-idx1-ubyte.gz', { headers: { 'accept-encoding': 'gzip' } });
  expect(probe.headers()['content-encoding']).toBe('gzip');

  // Every 50 ms, what the progress bar and its caption say while the data loads.
  await page.addInitScript(() => {
    const seen: { value: number; max: number; text: string }[] = [];
    (window as { __progressSeen?: unknown }).__progressSeen = seen;
    setInterval(() => {
      const bar = document.querySelector<HTMLProgressElement>('progress[aria-label="Dataset download"]');
      if (bar) seen.push({ value: bar.value, max: bar.max, text: bar.parentElement?.textContent ?? '' });
    }, 50);
  });
  // Hold back the smallest file for a while, so the bar is on screen long enough to be read.
  let held = false;
  await page.route('**/data/mnist/t10k-labels-idx1-ubyte.gz*', async (route) => {
    held = true;
    await new Promise((r) => setTimeout(r, 2500));
    await route.continue();
  });
  await open(page, QUERY);
  await page.getByTestId('start-training').click();
  await expect.poll(() => held, { timeout: 60_000 }).toBe(true);
  await expect(page.locator('progress[aria-label="Dataset download"]')).toBeVisible();
  await screenshot(page.locator('.panel.run'), 'datafail-progress');
  await expect(status(page)).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  await expect(banner(page)).toHaveCount(0);

  const seen = (await page.evaluate(() => (window as { __progressSeen?: unknown }).__progressSeen)) as {
    value: number;
    max: number;
    text: string;
  }[];
  expect(seen.length).toBeGreaterThan(0);
  expect(Math.max(...seen.map((s) => s.value))).toBeGreaterThan(0);
  for (const s of seen) {
    expect(s.value, s.text).toBeLessThanOrEqual(s.max);
    const [loaded, total] = (/([\d.]+) \/ ([\d.]+) MB/.exec(s.text) ?? []).slice(1).map(Number);
    expect(loaded, s.text).toBeLessThanOrEqual(total!);
    // The total is what the server stores: 11.3 MB of gzip'd MNIST, not the 55 MB decoded.
    expect(total, s.text).toBeLessThan(12);
  }
});

test('a damaged file that the browser already decompressed is caught by its checksum too', async ({ page }) => {
  const raw = Buffer.from(gunzipSync(readFileSync('dist/data/mnist/train-images-idx3-ubyte.gz')));
  for (let i = 500_000; i < 500_064; i++) raw[i] = raw[i]! ^ 0xff;
  // What a decoding browser hands over: the decompressed bytes (same length, some damaged).
  await page.route(TRAIN_IMAGES, (route) =>
    route.fulfill({ status: 200, body: raw, headers: { 'content-type': 'application/octet-stream' } }),
  );
  await open(page, QUERY);
  await page.getByTestId('start-training').click();
  await expect(banner(page)).toHaveAttribute('data-kind', 'data', { timeout: 60_000 });
  await expect(banner(page)).toContainText(/train-images-idx3-ubyte\.gz is corrupted: its SHA-256 \(decompressed by the browser\)/);
  await expect(status(page)).toHaveAttribute('data-state', 'error');
});

test('data never prepared (the server answers with its index.html): the prepare-data message, then Retry works once it is there', async ({
  page,
}) => {
  const html = (route: { fulfill: (r: object) => Promise<void> }) =>
    route.fulfill({ status: 200, body: INDEX_HTML, headers: { 'content-type': 'text/html' } });
  await page.route('**/data/manifest.json*', html);
  await open(page, QUERY);

  // At start-up: the dataset list is a web page.
  await expect(banner(page)).toHaveAttribute('data-kind', 'manifest', { timeout: 30_000 });
  await expect(banner(page)).toContainText('data/manifest.json: the server sent a web page (HTML)');
  await expect(banner(page)).toContainText('npm run prepare-data');
  await expect(banner(page)).not.toContainText('Unexpected token');
  await screenshot(page, 'datafail-manifest-html');

  // Train anyway: the run fails with the same explanation, and offers Retry.
  await page.getByTestId('start-training').click();
  await expect(banner(page)).toHaveAttribute('data-kind', 'data', { timeout: 60_000 });
  await expect(banner(page)).toContainText('npm run prepare-data');
  await expect(status(page)).toHaveAttribute('data-state', 'error');

  // The list is there now, but not the files (a static host's fallback page instead).
  await page.unroute('**/data/manifest.json*');
  await page.route('**/data/mnist/*.gz*', html);
  await page.getByTestId('retry-data').click();
  await expect(banner(page)).toHaveAttribute('data-kind', 'data', { timeout: 60_000 });
  await expect(banner(page)).toContainText(/data\/mnist\/[a-z0-9-]+\.gz: the server sent a web page \(HTML\) instead of this data file/);
  await expect(banner(page)).toContainText('npm run prepare-data');
  await screenshot(page, 'datafail-file-html');

  // Prepared at last: Retry trains.
  await page.unroute('**/data/mnist/*.gz*');
  await page.getByTestId('retry-data').click();
  await expect(status(page)).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  await expect(banner(page)).toHaveCount(0);
});

test('a data file missing on the server (404), then the network failing: each names the file and what to do', async ({ page }) => {
  const labels = '**/data/mnist/train-labels-idx1-ubyte.gz*';
  await page.route(labels, (route) => route.fulfill({ status: 404, body: 'Not Found', headers: { 'content-type': 'text/plain' } }));
  await open(page, QUERY);
  await page.getByTestId('start-training').click();
  await expect(banner(page)).toHaveAttribute('data-kind', 'data', { timeout: 60_000 });
  await expect(banner(page)).toContainText('data/mnist/train-labels-idx1-ubyte.gz is missing on the server (HTTP 404)');
  await expect(banner(page)).toContainText('npm run prepare-data');
  await screenshot(banner(page), 'datafail-404');

  await page.unroute(labels);
  await page.route(labels, (route) => route.abort('internetdisconnected'));
  await page.getByTestId('retry-data').click();
  await expect(banner(page)).toContainText('Could not download data/mnist/train-labels-idx1-ubyte.gz', { timeout: 60_000 });
  await expect(banner(page)).toContainText('Check the connection, then try again');
  await expect(status(page)).toHaveAttribute('data-state', 'error');
  await screenshot(banner(page), 'datafail-network');
});

test('a stalled data request: Stop ends it at once (the dataset list, then a data file)', async ({ page }) => {
  // Requests that are never answered. The stall timeouts (30 s by default) are far off: only Stop can end them.
  // One route for the whole test, switched from holding the dataset list to holding a data file: routing
  // anew mid-test (unroute, then route) once hung in page.route for the whole test timeout in CI.
  const asked = new Set<string>();
  const held: Route[] = [];
  const PATTERNS = { manifest: /\/data\/manifest\.json/, images: /\/data\/mnist\/train-images-idx3-ubyte\.gz/ } as const;
  let holding: keyof typeof PATTERNS = 'manifest';
  await page.route('**/data/**', (route) => {
    if (!PATTERNS[holding].test(route.request().url())) return route.continue();
    held.push(route);
    asked.add(holding);
  });
  await open(page, QUERY);
  for (const [what, pattern] of [
    ['manifest', '**/data/manifest.json*'],
    ['images', TRAIN_IMAGES],
  ] as const) {
    if (what === 'images') {
      holding = 'images';
      await Promise.all(held.splice(0).map((route) => route.abort().catch(() => undefined)));
    }
    asked.clear();
    await page.getByTestId('start-training').click();
    await expect.poll(() => asked.has(what), { timeout: 60_000, message: pattern }).toBe(true);
    await expect(status(page)).toHaveAttribute('data-state', 'loading');
    await page.getByTestId('stop-training').click();
    await expect(status(page)).toHaveAttribute('data-state', 'done', { timeout: 15_000 });
    await expect(status(page)).toHaveText('Stopped while loading the data');
    await expect(banner(page)).toHaveCount(0);
    await expect(page.getByTestId('start-training')).toBeEnabled();
  }
  await screenshot(page.locator('.panel.run'), 'datafail-stopped');
});

test('a download that receives nothing for a while ends with a message naming the file, and Retry works', async ({ page }) => {
  const release = await holdRequests(page, TRAIN_IMAGES);
  await open(page, QUERY, { stallMs: 3000 });
  await page.getByTestId('start-training').click();
  await expect(banner(page)).toHaveAttribute('data-kind', 'data', { timeout: 60_000 });
  await expect(banner(page)).toContainText(
    /The download of data\/mnist\/train-images-idx3-ubyte\.gz stalled: no data for 3 s \(nothing received\)/,
  );
  await expect(status(page)).toHaveAttribute('data-state', 'error');
  await screenshot(page, 'datafail-stalled');

  await release();
  await page.getByTestId('retry-data').click();
  await expect(status(page)).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  await expect(banner(page)).toHaveCount(0);
});

test('storage full when a run is saved: the message offers "Save the run again", and it works once there is room', async ({ page }) => {
  await page.addInitScript(() => {
    const w = window as { __storageFull?: boolean };
    w.__storageFull = true;

    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if (w.__storageFull) throw new DOMException('full', 'QuotaExceededError');
      return put.apply(this, args);
    };
  });
  await open(page, QUERY);
  await page.getByTestId('start-training').click();
  await expect(status(page)).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  await expect(page.getByTestId('history-message')).toContainText(
    'Delete some runs (or clear the history) to make room, then press “Save the run again”',
  );
  await screenshot(page.getByTestId('history'), 'datafail-storage-full');
  await expect(page.getByTestId('history')).toHaveAttribute('data-count', '0');

  await page.evaluate(() => {
    (window as { __storageFull?: boolean }).__storageFull = false;
  });
  await page.getByTestId('history-save-again').click();
  await expect(page.getByTestId('history')).toHaveAttribute('data-count', '1');
  await expect(page.getByTestId('history-message')).toHaveCount(0);
  await expect(page.getByTestId('history-save-again')).toHaveCount(0);
});
