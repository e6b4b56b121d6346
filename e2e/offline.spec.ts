import { expect, test } from '@playwright/test';
import { status, value, watchConsole } from './helpers';
import { serveDist } from './staticServer';

// The other specs block the service worker (playwright.config.ts) so the network faults they inject
// reach the page; this one needs it.
test.use({ serviceWorkers: 'allow' });

const PORT = Number(process.env['E2E_PORT'] ?? 4173) + 1;

test('under a sub-path of a static host that sends no COOP/COEP: opens, installs for offline use, reloads cross-origin isolated (WASM on every core), and after going offline reloads and trains MNIST', async ({
  browser,
}) => {
  const server = await serveDist('/some/sub/path/', PORT);
  const context = await browser.newContext({ serviceWorkers: 'allow' });
  try {
    const page = await context.newPage();
    const console = watchConsole(page, { warnings: false });
    await page.goto(`${server.url}?n=2000&val=0&ep=1&bs=32&be=wasm`);
    await expect(page.getByTestId('backend')).toHaveAttribute('data-value', 'wasm', { timeout: 60_000 });
    // The first visit precaches the app, the WASM binaries and the datasets (~45 MB, from localhost).
    await expect(page.getByTestId('offline-status')).toHaveAttribute('data-ready', '1', { timeout: 120_000 });
    const manifest = await page.evaluate(async () => {
      const link = document.querySelector('link[rel="manifest"]') as HTMLLinkElement;
      return { href: link.href, json: (await (await fetch(link.href)).json()) as { start_url: string; icons: { src: string }[] } };
    });
    expect(manifest.href).toBe(`${server.url}manifest.webmanifest`);
    expect(manifest.json.start_url).toBe('./');

    // The host sends no isolation headers: one WASM thread, and the page says why and offers the fix
    // the installed service worker brings (it adds COOP/COEP to what it serves).
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    await expect(page.getByTestId('backend-threads')).toHaveAttribute('data-count', '1');
    await expect(page.getByTestId('backend-threads-why')).toContainText('not cross-origin isolated');
    if (cores > 1) {
      await page.getByTestId('isolation-reload').click();
      await expect(page.getByTestId('backend')).toHaveAttribute('data-value', 'wasm', { timeout: 60_000 });
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      await expect(page.getByTestId('backend-threads')).toHaveAttribute('data-count', String(cores));
      await expect(page.getByTestId('backend-threads-why')).toHaveCount(0);
      await expect(page.getByTestId('isolation-note')).toHaveCount(0);
      await expect(page.getByTestId('setting-n')).toHaveValue('2000'); // the reload kept the settings
    }

    await context.setOffline(true);
    await page.reload();
    await expect(page.getByTestId('offline-status')).toHaveAttribute('data-online', '0');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true); // the service worker served the page, with the headers
    await expect(page.getByTestId('setting-n')).toHaveValue('2000');
    await page.getByTestId('start-training').click();
    await expect(status(page)).toHaveAttribute('data-state', 'done', { timeout: 180_000 });
    expect(await value(page, 'metric-test-accuracy')).toBeGreaterThan(0.3); // chance is 0.1: it learned from the cached MNIST
    // The icons the manifest names are there offline too.
    const icons = await page.evaluate(
      async (srcs) =>
        Promise.all(
          srcs.map(async (s) => (await fetch(new URL(s, document.querySelector<HTMLLinkElement>('link[rel="manifest"]')!.href))).status),
        ),
      manifest.json.icons.map((i) => i.src),
    );
    expect(icons.every((s) => s === 200)).toBe(true);
    // Everything the app asked for was under the sub-path and existed.
    expect(server.misses).toEqual([]);
    expect(console.filter((l) => !/ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(l))).toEqual([]);
  } finally {
    await context.close();
    await server.close();
  }
});
