import { expect, test, type Page } from '@playwright/test';
import { makeCifarArchive } from '../src/core/testing/fixtures';
import { screenshot, status, value, watchConsole } from './helpers';

/** The value of a setting the address carries now (the default when the key is absent). */
const inAddress = (page: Page, key: string) => new URL(page.url()).searchParams.get(key);

/**
 * Each row: a field, the text typed into it (all at once, as a paste or `fill`), then the field is
 * left. Either the value is committed (the address and the field show it) or the address keeps the
 * previous value and a visible message next to the field says why and which value is in use.
 */
const TYPED: { key: string; text: string; commits?: string; error?: RegExp }[] = [
  { key: 'lr', text: '0,05', commits: '0.05' },
  { key: 'lr', text: '50', error: /50 is outside the range .*10 — using 0\.05/ },
  { key: 'lr', text: '1e', error: /Not a complete number yet — using 0\.05/ },
  { key: 'lr', text: '', error: /Empty — using 0\.05/ },
  { key: 'lr', text: '2e-3', commits: '0.002' },
  { key: 'ep', text: '300', error: /300 is outside the range 1…200 — using 5/ },
  { key: 'ep', text: '0.', error: /Not a complete number yet — using 5/ },
  { key: 'ep', text: '-', error: /using 5/ },
  { key: 'ep', text: '2,5', error: /2\.5 is not a whole number — using 5/ },
  { key: 'ep', text: 'ten', error: /"ten" is not a number — using 5/ },
  { key: 'ep', text: '12', commits: '12' },
  { key: 'n', text: '55,000', commits: '55000' },
  { key: 'bs', text: '1e2', commits: '100' },
  { key: 'mom', text: '0,5', commits: '0.5' },
];

test('typed numbers: each ends in the committed value or a visible error naming the value in use; the address never gets a different value', async ({
  page,
}) => {
  const logs = watchConsole(page);
  await page.goto('/?lr=0.05');
  for (const row of TYPED) {
    const field = page.getByTestId(`setting-${row.key}`);
    const before = inAddress(page, row.key);
    await field.fill(row.text);
    await field.press('Tab');
    const error = page.getByTestId(`setting-${row.key}-error`);
    if (row.commits !== undefined) {
      await expect(field, `"${row.text}" → ${row.key}`).toHaveValue(row.commits);
      expect(inAddress(page, row.key), `"${row.text}" → ${row.key}`).toBe(row.commits);
      await expect(error).toHaveCount(0);
    } else {
      await expect(error, `"${row.text}" → ${row.key}`).toBeVisible();
      await expect(error).toHaveText(row.error!);
      // The address and the field keep the value in use; nothing was committed.
      expect(inAddress(page, row.key)).toBe(before);
      await expect(field).toHaveValue(before ?? (row.key === 'ep' ? '5' : ''));
    }
  }
  // Typing key by key: "3" and "30" are valid on the way, "300" is not: the field says it uses 30.
  const epochs = page.getByTestId('setting-ep');
  await epochs.fill('');
  await epochs.pressSequentially('300');
  await expect(page.getByTestId('setting-ep-error')).toHaveText(/300 is outside .* — using 30$/);
  expect(inAddress(page, 'ep')).toBe('30');
  await screenshot(page.locator('aside'), 'inputs-errors');
  expect(logs.filter((l) => l.startsWith('pageerror'))).toEqual([]);
});

test('arrow keys step log knobs along 1-2-5 and others by their step; "0 = all" and capped sizes say what is used', async ({ page }) => {
  await page.goto('/');
  const lr = page.getByTestId('setting-lr');
  await lr.focus();
  const seen: string[] = [];
  for (const key of ['ArrowUp', 'ArrowUp', 'ArrowUp', 'ArrowDown', 'PageDown']) {
    await lr.press(key);
    seen.push(await lr.inputValue());
  }
  expect(seen).toEqual(['0.02', '0.05', '0.1', '0.05', '0.005']);
  expect(inAddress(page, 'lr')).toBe('0.005');
  await page.getByTestId('setting-lr-up').click();
  await expect(lr).toHaveValue('0.01');
  const epochs = page.getByTestId('setting-ep');
  await epochs.press('ArrowUp');
  await expect(epochs).toHaveValue('6');
  // Training examples: 0 reads as all of what the split leaves; more than that says it is capped.
  await expect(page.getByTestId('setting-n-note')).toHaveText(/all \(55,000\)/);
  await page.getByTestId('setting-val').fill('10000');
  await expect(page.getByTestId('setting-n-note')).toHaveText(/all \(50,000\)/);
  await page.getByTestId('setting-n').fill('60000');
  await expect(page.getByTestId('setting-n-note')).toHaveText(/capped at 50,000/);
});

test('a run uses the last valid value and locks the fields visibly; the charts show one number per name, validation and test, chance, and what changed since the run', async ({
  page,
}) => {
  const logs = watchConsole(page, { warnings: false });
  await page.goto('/?n=1500&val=500&ep=1&bs=64');
  await page.getByTestId('setting-ep').fill('300');
  await expect(page.getByTestId('setting-ep-error')).toContainText('using 1');
  await page.getByTestId('start-training').click();
  // Locked: disabled, and not a white editable-looking box.
  const lr = page.getByTestId('setting-lr');
  await expect(lr).toBeDisabled();
  await expect(page.getByTestId('settings-locked')).toBeVisible();
  expect(await lr.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe('rgb(255, 255, 255)');
  await screenshot(page.locator('aside'), 'settings-locked');
  await expect(status(page)).toHaveAttribute('data-state', 'done', { timeout: 180_000 });
  expect(await value(page, 'epoch'), logs.join('\n')).toBe(1);
  // One definition of the live train loss: the card and the caption show the same number.
  await expect(page.getByTestId('latest-train-loss')).toHaveAttribute(
    'data-value',
    (await page.getByTestId('metric-train-loss').getAttribute('data-value'))!,
  );
  // …and say what it is, in the same words: 1,500 examples in batches of 64 are 24 batches, fewer than 50.
  await expect(page.getByTestId('latest-train-loss')).toContainText('mean of last 24 batches');
  await expect(page.locator('.metric', { has: page.getByTestId('metric-train-loss') })).toContainText('mean of last 24 batches');
  // Chance level on the accuracy chart.
  const accuracy = page.getByTestId('chart-accuracy');
  await expect(accuracy).toHaveAttribute('data-chance', '0.1');
  await expect(accuracy.getByText('chance 10%')).toBeVisible();
  // A one-epoch run: one validation square and one test ring, both inside the plot.
  await expect(accuracy).toHaveAttribute('data-epochs', '1');
  const plot = (await accuracy.locator('.recharts-cartesian-grid').boundingBox())!;
  for (const marker of [accuracy.locator('.recharts-line-dots rect'), accuracy.locator('.recharts-line-dots circle[r="6"]')]) {
    await expect(marker).toHaveCount(1);
    const box = (await marker.boundingBox())!;
    expect(box.x + box.width / 2).toBeLessThanOrEqual(plot.x + plot.width);
    expect(box.y + box.height / 2).toBeGreaterThanOrEqual(plot.y);
  }
  await screenshot(page.locator('.panel.charts'), 'charts-one-epoch');
  // Settings changed after the run: the charts say so and list the change.
  await expect(page.getByTestId('settings-changed')).toHaveCount(0);
  await lr.press('ArrowUp');
  await expect(page.getByTestId('settings-changed')).toContainText('Learning rate: 0.01 → 0.02');
  await screenshot(page.locator('.panel.charts'), 'settings-changed');
  await lr.press('ArrowDown');
  await expect(page.getByTestId('settings-changed')).toHaveCount(0);
});

test('a diverging run: the loss axis goes logarithmic by choice (and by itself when the loss spans orders of magnitude); no tick label is clipped', async ({
  page,
}) => {
  await page.goto('/?lr=5&opt=adam&n=1000&val=0&ep=1&bs=32');
  await page.getByTestId('start-training').click();
  await expect(status(page)).toHaveAttribute('data-state', /done|error/, { timeout: 180_000 });
  const loss = page.getByTestId('chart-loss');
  await expect(loss).toHaveAttribute('data-points', /[1-9]/);
  for (const choice of ['log', 'linear', 'auto']) {
    await page.getByTestId('loss-scale').selectOption(choice);
    if (choice !== 'auto') await expect(loss).toHaveAttribute('data-scale', choice);
    const figure = (await loss.locator('svg:has(.recharts-yAxis-tick-labels)').boundingBox())!;
    const ticks = loss.locator('.recharts-yAxis-tick-labels text');
    expect(await ticks.count()).toBeGreaterThan(1);
    for (const tick of await ticks.all()) {
      const box = (await tick.boundingBox())!;
      expect(box.x, `tick "${await tick.textContent()}" (${choice})`).toBeGreaterThanOrEqual(figure.x);
      expect(await tick.textContent()).not.toMatch(/^e|e\+/);
    }
  }
  await screenshot(page.locator('.panel.charts'), `charts-diverged-${await loss.getAttribute('data-scale')}`);
});

test('a shared CIFAR-10 link on a server without it: the reason and the actions sit next to the disabled Train; repeated keys name the value used', async ({
  page,
}) => {
  await page.goto('/?ds=cifar10&val=100&lr=0.1&lr=0.5');
  await expect(page.getByTestId('url-notice')).toContainText('given 2 times ("0.1", "0.5"); using 0.1');
  await expect(page.getByTestId('setting-lr')).toHaveValue('0.1');
  const blocked = page.getByTestId('train-blocked');
  await expect(page.getByTestId('start-training')).toBeDisabled();
  await expect(blocked).toBeVisible();
  await expect(blocked).toContainText('CIFAR-10 is not available');
  await expect(blocked).toContainText('cifar-10-binary.tar.gz');
  await expect(page.getByTestId('train-blocked-switch')).toHaveText('Use MNIST digits instead');
  await screenshot(page, 'cifar-link-blocked');
  // The files picked right there make CIFAR-10 available and Train enabled.
  const labels = Array.from({ length: 300 }, (_, i) => i % 10);
  const archive = await makeCifarArchive({ trainBatches: [labels, labels], testLabels: labels.slice(0, 100) });
  await page
    .getByTestId('train-blocked-cifar-files')
    .setInputFiles({ name: 'cifar-10-binary.tar.gz', mimeType: 'application/gzip', buffer: Buffer.from(archive) });
  await expect(blocked).toHaveCount(0, { timeout: 30_000 });
  await expect(page.getByTestId('start-training')).toBeEnabled();
  await expect(page.getByTestId('setting-n-note')).toHaveText(/all \(500\)/);
});

test('the other way out of a missing dataset: switch to one this server has', async ({ page }) => {
  await page.goto('/?ds=cifar10');
  await page.getByTestId('train-blocked-switch').click();
  await expect(page.getByTestId('setting-ds')).toHaveValue('mnist');
  await expect(page.getByTestId('start-training')).toBeEnabled();
  expect(inAddress(page, 'ds')).toBeNull();
});
