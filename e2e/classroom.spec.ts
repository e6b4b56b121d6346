/**
 * The lecture hall, the classroom link and the phone: presentation mode measured against its stated
 * targets, every keyboard shortcut, Step and Reset, hide/lock flags and their bad values, the phone
 * layout, focus and an accessibility check (axe-core) of the normal and presentation views.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { settledPoints, status, value, watchConsole } from './helpers';

const shot = (page: Page, name: string, fullPage = false) => page.screenshot({ path: `e2e/screenshots/${name}.png`, fullPage });
const px = (page: Page, selector: string, property = 'font-size') =>
  page
    .locator(selector)
    .first()
    .evaluate((el, p) => parseFloat(getComputedStyle(el).getPropertyValue(p)), property);
const box = async (page: Page, selector: string) => (await page.locator(selector).first().boundingBox())!;
const ready = (page: Page) => expect(page.getByTestId('backend')).not.toHaveAttribute('data-value', '', { timeout: 60_000 });

/** Serious or critical axe-core violations, as readable lines. */
async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id}: ${v.help} — ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 4)
          .join(' | ')}`,
    );
}

test('presentation mode at 1920×1080 and 1280×720: charts fill the screen, type is large, the run bar shows the key numbers; axe finds nothing serious', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto('/?n=256&val=100&bs=64&ep=1&present=1');
  await ready(page);
  await expect(page.locator('html')).toHaveAttribute('data-present', '1');
  await page.getByTestId('start-training').click();
  await expect(status(page)).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  await expect(page.getByTestId('chart-accuracy')).toHaveAttribute('data-epochs', '1');
  await shot(page, 'present-1920');
  // Targets (README): the two plots together ≥ 90 % of the width, each ≥ 45 % of the height; key
  // numbers ≥ 48 px, run-bar buttons ≥ 24 px, axis labels ≥ 18 px.
  const [loss, accuracy] = [
    await box(page, '[data-testid=chart-loss] .chart-plot'),
    await box(page, '[data-testid=chart-accuracy] .chart-plot'),
  ];
  expect(loss.width + accuracy.width).toBeGreaterThanOrEqual(0.9 * 1920);
  expect(Math.min(loss.height, accuracy.height)).toBeGreaterThanOrEqual(0.45 * 1080);
  expect(loss.y + loss.height).toBeLessThanOrEqual(1080);
  expect(await px(page, '[data-testid=metric-test-accuracy]')).toBeGreaterThanOrEqual(48);
  expect(await px(page, '[data-testid=start-training]')).toBeGreaterThanOrEqual(24);
  expect(await px(page, '.recharts-cartesian-axis-tick-value')).toBeGreaterThanOrEqual(18);
  // Only the 4 key numbers; the run bar and the settings-free view.
  await expect(page.locator('.metric:visible')).toHaveCount(4);
  await expect(page.getByTestId('metric-learning-rate')).toBeHidden();
  await expect(page.locator('#settings-panel')).toHaveCount(0);
  expect(await seriousViolations(page)).toEqual([]);

  await page.setViewportSize({ width: 1280, height: 720 });
  await page.getByTestId('toggle-theme').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect.poll(async () => (await box(page, '[data-testid=chart-loss] .chart-plot')).height).toBeGreaterThanOrEqual(0.4 * 720);
  await shot(page, 'present-1280-dark');
  // At 1280×720: key numbers ≥ 32 px, axis labels ≥ 14 px, charts still below the fold line.
  expect(await px(page, '[data-testid=metric-test-accuracy]')).toBeGreaterThanOrEqual(32);
  expect(await px(page, '.recharts-cartesian-axis-tick-value')).toBeGreaterThanOrEqual(14);
  const small = await box(page, '[data-testid=chart-loss] .chart-plot');
  expect(small.y + small.height).toBeLessThanOrEqual(720);
  expect(await seriousViolations(page)).toEqual([]);
  expect(page.url()).toContain('present=1');
  expect(page.url()).toContain('theme=dark');

  // Leaving presentation (the button) gives the normal page back, and axe is content there too.
  await page.getByTestId('toggle-presentation').click();
  await expect(page.locator('html')).toHaveAttribute('data-present', '0');
  await expect(page.locator('#settings-panel')).toBeVisible();
  expect(page.url()).not.toContain('present=');
  expect(await seriousViolations(page)).toEqual([]);
  await shot(page, 'normal-1280-dark');
});

test('every shortcut: ? lists them, Space plays/pauses, S steps one batch, E to the epoch end, R resets (fresh weights, charts cleared), X stops, N/P/T; none fires while typing', async ({
  page,
}) => {
  const logs = watchConsole(page);
  // 10 batches per epoch.
  await page.goto('/?n=640&val=0&bs=64&ep=2');
  await ready(page);
  const points = () => settledPoints(page);

  // Typing in a field: no shortcut fires.
  await page.getByTestId('setting-seed').focus();
  for (const key of ['s', 'p', 't', 'r', 'n', 'x', '?', ' ']) await page.keyboard.press(key === ' ' ? 'Space' : key);
  await page.getByTestId('setting-opt').focus();
  await page.keyboard.press('p');
  await page.keyboard.press('Space');
  await page.keyboard.press('Escape');
  await expect(page.locator('html')).toHaveAttribute('data-present', '0');
  await expect(page.getByTestId('shortcuts')).toHaveCount(0);
  await expect(status(page)).toHaveAttribute('data-state', 'idle');
  await page.locator('h1').click();

  // ? lists every shortcut; Esc closes.
  await page.keyboard.press('?');
  const overlay = page.getByTestId('shortcuts');
  await expect(overlay).toBeVisible();
  for (const text of ['Space or Enter', 'S or →', 'E', 'R', 'X', 'N', 'P', 'T', 'Esc'])
    await expect(overlay.getByText(text, { exact: true })).toBeVisible();
  await shot(page, 'shortcuts-overlay');
  await page.keyboard.press('Escape');
  await expect(overlay).toHaveCount(0);

  // S from idle: a run that pauses after exactly one batch; S again: one more.
  await page.keyboard.press('s');
  await expect(status(page)).toHaveAttribute('data-state', 'paused', { timeout: 60_000 });
  // The chart renders deferred: wait for its first point, then check that no second one follows.
  await expect.poll(points).toBe(1);
  expect(await points()).toBe(1);
  await expect(page.locator('.progress')).toContainText('batch 1/10');
  const firstLoss = await value(page, 'metric-train-loss');
  await page.keyboard.press('ArrowRight');
  await expect(status(page)).toHaveAttribute('data-state', 'paused');
  await expect.poll(points).toBe(2);
  expect(await points()).toBe(2);
  // E: to the end of epoch 1 (evaluated), then paused.
  await page.keyboard.press('e');
  await expect(page.getByTestId('chart-loss')).toHaveAttribute('data-epochs', '1', { timeout: 60_000 });
  await expect(status(page)).toHaveAttribute('data-state', 'paused');
  expect(await points()).toBe(10);
  // Space resumes, Space pauses.
  await page.keyboard.press('Space');
  await expect(status(page)).toHaveAttribute('data-state', 'training');
  await page.keyboard.press('Space');
  await expect(status(page)).toHaveAttribute('data-state', 'paused', { timeout: 30_000 });

  // R: charts and numbers cleared, the trained model gone (nothing to download).
  await page.keyboard.press('r');
  await expect(status(page)).toHaveAttribute('data-state', 'idle');
  await expect(page.getByTestId('chart-loss')).toHaveAttribute('data-points', '0');
  await expect(page.getByTestId('chart-loss')).toHaveAttribute('data-epochs', '0');
  expect(await value(page, 'epoch')).toBe(0);
  await expect(page.getByTestId('metric-test-accuracy')).toHaveText('–');
  await expect(page.getByTestId('download-model')).toBeDisabled();
  // Fresh weights: the first step after Reset starts from the same initial weights as the first run (same seed).
  await page.keyboard.press('s');
  await expect(status(page)).toHaveAttribute('data-state', 'paused', { timeout: 60_000 });
  // The chart renders deferred: wait for its first point, then check that no second one follows.
  await expect.poll(points).toBe(1);
  expect(await points()).toBe(1);
  expect(await value(page, 'metric-train-loss')).toBeCloseTo(firstLoss, 5);
  // X stops (kept, like Stop).
  await page.keyboard.press('x');
  await expect(status(page)).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await expect(status(page)).toContainText('Stopped');

  // Space from a finished run trains again.
  await page.keyboard.press('Space');
  await expect(status(page)).toHaveAttribute('data-state', /loading|training/);
  await page.keyboard.press('x');
  await expect(status(page)).toHaveAttribute('data-state', 'done', { timeout: 60_000 });

  // N: the chosen preset's next variant, with what it changed near Train.
  await page.keyboard.press('n');
  const note = page.getByTestId('preset-note');
  await expect(note).toContainText('Loaded: Negative images · train positives');
  await expect(note.getByTestId('preset-changes')).toContainText('Negative images');
  await page.keyboard.press('n');
  await expect(note).toContainText('train both');
  await expect(page.getByTestId('setting-neg')).toHaveValue('train-both');
  // P and T.
  await page.keyboard.press('p');
  await expect(page.locator('html')).toHaveAttribute('data-present', '1');
  await page.keyboard.press('t');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.keyboard.press('p');
  await expect(page.locator('html')).toHaveAttribute('data-present', '0');
  expect(logs.filter((l) => l.startsWith('pageerror'))).toEqual([]);
});

test('classroom links: hide and lock flags work, bad values get a notice, presets leave locked settings alone, the copied link keeps the flags', async ({
  page,
}) => {
  await page.goto('/?ep=1&hide=charts,seed,inside&lock=lr,ds&theme=purple&present=maybe&hide=runs&controls=zz');
  await ready(page);
  const notice = page.getByTestId('url-notice');
  await expect(notice).toContainText('"purple" is not one of light, dark, auto');
  await expect(notice).toContainText('present');
  await expect(notice).toContainText('given more than once');
  await expect(notice).toContainText('"zz" is not a setting key');
  await expect(page.getByTestId('chart-loss')).toHaveCount(0);
  await expect(page.getByTestId('setting-seed')).toHaveCount(0);
  await expect(page.getByTestId('setting-lr')).toBeDisabled();
  await expect(page.getByTestId('setting-ds')).toBeDisabled();
  await expect(page.getByTestId('setting-opt')).toBeEnabled();
  await expect(page.getByText('Locked by this link').first()).toBeVisible();
  // The address keeps the valid flags (a reload is the same exercise); the bad ones are dropped.
  await expect.poll(() => page.url()).toContain('hide=charts,inside,seed');
  expect(page.url()).toContain('lock=lr,ds');
  expect(page.url()).not.toContain('purple');
  await shot(page, 'classroom-lock');
  // The normal view in the light theme, with the notice and locked controls: nothing serious for axe.
  expect(await seriousViolations(page)).toEqual([]);
  // A preset changes what it may; the locked learning rate stays and the note says so.
  await page.getByTestId('preset-choice').selectOption({ label: 'SGD vs momentum vs Adam' });
  await page.getByTestId('preset-variant').selectOption({ label: 'Adam' });
  await page.getByTestId('preset-load').click();
  await expect(page.getByTestId('preset-note')).toContainText('Kept by this link (locked): Learning rate');
  await expect(page.getByTestId('setting-opt')).toHaveValue('adam');
  await expect(page.getByTestId('setting-lr')).toHaveValue('0.01');
  // The copied link carries the flags.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByTestId('copy-link').click();
  await expect(page.getByTestId('copy-status')).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toContain('lock=lr,ds');
  expect(copied).toContain('opt=adam');

  // controls=0: a view-only link; controls=lr: only that knob; embed=1: no page header.
  // The theme follows the system by default; a link's theme= wins.
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto('/?controls=0');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByTestId('start-training')).toBeVisible();
  await expect(page.locator('#settings-panel')).toHaveCount(0);
  await expect(page.getByTestId('preset-bar')).toHaveCount(0);
  await expect(page.getByTestId('copy-link')).toHaveCount(0);
  await page.goto('/?controls=lr&embed=1&theme=light');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await expect(page.getByTestId('setting-lr')).toBeEnabled();
  await expect(page.locator('#settings-panel .setting')).toHaveCount(1);
  await expect(page.locator('h1')).toBeHidden();
  await expect(page.getByRole('link', { name: /Open in CNN Playground/ })).toBeVisible();
  await expect(page.getByTestId('preset-bar')).toHaveCount(0);
  await shot(page, 'classroom-embed');
});

test('phone 390×844: Train visible without scrolling and sticky, settings in a drawer; matrices fit at 1440 px or show a scroll cue; focus stays on the pressed button; skip link', async ({
  page,
}) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/?noise=0.4&n=300&val=100&ep=1');
  await ready(page);
  await expect(page.getByTestId('start-training')).toBeInViewport({ ratio: 1 });
  await expect(page.getByTestId('setting-lr')).toBeHidden();
  await shot(page, 'phone-390');
  await page.getByTestId('settings-drawer').click();
  await expect(page.getByTestId('setting-lr')).toBeVisible();
  await page.getByTestId('settings-drawer').click();
  await expect(page.getByTestId('setting-lr')).toBeHidden();

  // Focus stays on the pressed button; Tab goes on to Pause, which is focusable while still unavailable.
  const train = page.getByTestId('start-training');
  await train.click();
  await expect(train).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('pause-training')).toBeFocused();
  await expect(page.getByTestId('noise-matrix')).toBeVisible({ timeout: 60_000 });
  // Scrolled far down, the run bar is still on screen.
  await page.getByTestId('noise-matrix').scrollIntoViewIfNeeded();
  await page.mouse.wheel(0, 600);
  await expect(train).toBeInViewport();
  await expect(page.getByTestId('stop-training')).toBeInViewport();
  // The 10 × 10 matrix does not fit 390 px: its scroller says there is more to the right.
  await expect(page.locator('[data-testid=noise-matrix] .matrix-scroll')).toHaveAttribute('data-more-right', '');
  await shot(page, 'phone-390-scrolled');
  const stop = page.getByTestId('stop-training');
  await stop.click();
  await expect(status(page)).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await expect(stop).toBeFocused();

  // At 1440 px every column of the matrix shows: nothing to scroll.
  await page.setViewportSize({ width: 1440, height: 900 });
  await expect(page.locator('[data-testid=noise-matrix] .matrix-scroll')).not.toHaveAttribute('data-more-right', '');
  const matrix = await box(page, '[data-testid=noise-matrix] table');
  const panel = await box(page, '[data-testid=noise-matrix]');
  expect(matrix.x + matrix.width).toBeLessThanOrEqual(panel.x + panel.width);

  // Skip link: the first Tab stop; it takes the focus to the run controls.
  await page.goto('/');
  await ready(page);
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to the run controls' });
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('start-training')).toBeFocused();
});
