import { expect, test, type Page } from '@playwright/test';
import { screenshot, status, value, watchConsole } from './helpers';

const badge = (page: Page) => page.getByTestId('backend');
const reason = (page: Page) => page.getByTestId('backend-reason');

/** Serves the app page without its COOP/COEP headers: a static host that cannot set them. */
async function withoutIsolation(page: Page): Promise<void> {
  await page.route(
    (url) => url.pathname === '/' || url.pathname.endsWith('/index.html'),
    async (route) => {
      const response = await route.fetch();
      const headers = Object.fromEntries(
        Object.entries(response.headers()).filter(([name]) => !/^cross-origin-(opener|embedder)-policy$/i.test(name)),
      );
      await route.fulfill({ response, headers });
    },
  );
}

test('auto measures the backends on the run’s model and batch size, says what it measured, picks the fastest, and remembers it', async ({
  page,
}) => {
  const logs = watchConsole(page, { warnings: false });
  await page.goto('/?n=512&val=0&ep=1&bs=64');
  await expect(badge(page)).not.toHaveAttribute('data-value', '', { timeout: 90_000 });
  expect(await page.evaluate(() => crossOriginIsolated), 'the preview server sends COOP/COEP').toBe(true);
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const text = (await reason(page).innerText()).replace(/\s+/g, ' ');
  // Every configuration timed here is listed with its figure or why it has none, then the pick.
  expect(text, logs.join('\n')).toMatch(/WASM ×1 thread: (\d[\d,]* ex\/s|[^,]+)/);
  if (cores > 1) expect(text).toMatch(new RegExp(`WASM ×${cores} threads: `));
  expect(text).toMatch(/WebGL: /);
  expect(text).toMatch(/→ (WASM ×\d+ threads?|WebGL)/);
  expect(text).toContain('measured in');
  // The pick is the fastest figure listed (more WASM threads must win by a margin).
  const figures = [...text.matchAll(/(WASM ×(\d+) threads?|WebGL): ([\d,]+) ex\/s/g)].map((m) => ({
    label: m[1]!,
    rate: Number(m[3]!.replace(/,/g, '')),
  }));
  expect(figures.length).toBeGreaterThan(0);
  const picked = text.split('→')[1]!.trim();
  const pickedRate = figures.find((f) => picked.startsWith(f.label))!.rate;
  for (const f of figures) if (!f.label.startsWith('WASM')) expect(pickedRate).toBeGreaterThanOrEqual(f.rate);
  const threads = Number(await page.getByTestId('backend-threads').getAttribute('data-count'));
  if (picked.startsWith('WASM')) {
    await expect(badge(page)).toHaveAttribute('data-value', 'wasm');
    expect(picked).toContain(`×${threads} thread`);
  }
  await screenshot(page.locator('header'), 'backend-badge');

  // Cached per browser and shape: a reload does not measure again.
  await page.reload();
  await expect(badge(page)).not.toHaveAttribute('data-value', '', { timeout: 90_000 });
  await expect(reason(page)).toContainText('measured earlier');
  // "measure again" measures afresh.
  await page.getByTestId('backend-reprobe').click();
  await expect(reason(page)).toContainText('measured in', { timeout: 90_000 });

  // And the run trains on what was picked.
  await page.getByTestId('start-training').click();
  await expect(status(page)).toHaveAttribute('data-state', 'done', { timeout: 180_000 });
  expect(await value(page, 'metric-test-loss')).toBeGreaterThan(0);
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
});

test('WASM trains on every core in the production build when the page is cross-origin isolated', async ({ page }) => {
  const logs = watchConsole(page, { warnings: false });
  await page.goto('/?be=wasm&n=512&val=0&ep=1&bs=32');
  await expect(badge(page)).toHaveAttribute('data-value', 'wasm', { timeout: 90_000 });
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  test.skip(cores < 2, 'one core: nothing to thread');
  await expect(page.getByTestId('backend-threads')).toHaveAttribute('data-count', String(cores));
  await expect(page.getByTestId('backend-threads-why')).toHaveCount(0);
  await page.getByTestId('start-training').click();
  await expect(status(page)).toHaveAttribute('data-state', 'done', { timeout: 180_000 });
  // The threaded build computes the same network: it learns (loss finite and falling below chance).
  const loss = await value(page, 'metric-test-loss');
  expect(loss, logs.join('\n')).toBeGreaterThan(0);
  expect(loss).toBeLessThan(Math.log(10));
  expect(
    logs.filter((l) => /is not defined|pthread|worker sent an error/i.test(l)),
    logs.join('\n'),
  ).toEqual([]);
});

test('without cross-origin isolation WASM runs on one thread and says why; auto does not time threads', async ({ page }) => {
  await withoutIsolation(page);
  await page.goto('/?be=wasm&n=256&val=0&ep=1&bs=32');
  await expect(badge(page)).toHaveAttribute('data-value', 'wasm', { timeout: 90_000 });
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
  await expect(page.getByTestId('backend-threads')).toHaveAttribute('data-count', '1');
  await expect(page.getByTestId('backend-threads-why')).toContainText('not cross-origin isolated');
  await screenshot(page.locator('header'), 'backend-badge-not-isolated');

  await page.getByTestId('setting-be').selectOption('auto');
  await expect(reason(page)).toContainText('→', { timeout: 90_000 });
  await expect(reason(page)).not.toContainText('threads:');
  await expect(reason(page)).toContainText('WASM ×1 thread');
});
