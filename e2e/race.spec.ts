import { expect, test, type Page } from '@playwright/test';
import { screenshot, watchConsole } from './helpers';

const lanes = (page: Page) => page.getByTestId('race-lane');
const lanePoints = async (page: Page) =>
  Promise.all((await lanes(page).all()).map(async (l) => Number(await l.getAttribute('data-points'))));

test('a race of two variants from a link: two live series on the same charts, examples/s of each, two runs in the history', async ({
  page,
}) => {
  const console = watchConsole(page, { warnings: false });
  // Enough examples that both lanes are still training when they are looked at; the race is stopped early.
  await page.goto('/?n=20000&val=0&ep=2&bs=64&race=act:relu;act:sigmoid');
  const proposal = page.getByTestId('race-proposal');
  await expect(proposal).toContainText('act=relu');
  await expect(proposal).toContainText('act=sigmoid');
  // race= is not a setting: no "unknown setting" notice, and the address keeps only the settings.
  await expect(page.getByTestId('url-notice')).toHaveCount(0);
  expect(new URL(page.url()).searchParams.has('race')).toBe(false);

  await page.getByTestId('race-proposal-start').click();
  await expect(page.getByTestId('race')).toHaveAttribute('data-state', 'running');
  await expect(lanes(page)).toHaveCount(2);
  // Live: both variants draw on the same chart while the race runs.
  await expect.poll(async () => Math.min(...(await lanePoints(page))), { timeout: 180_000 }).toBeGreaterThan(0);
  await expect(page.getByTestId('race-chart-loss')).toHaveAttribute('data-series', '2');
  await expect(page.getByTestId('race-chart-accuracy')).toHaveAttribute('data-series', '2');
  // The legend names the lanes in the table's order.
  await expect(page.getByTestId('race-chart-loss').locator('.chart-legend-item')).toHaveText([/act=relu/, /act=sigmoid/]);
  await expect(page.getByTestId('race')).toHaveAttribute('data-state', 'running');
  // Each variant shows the examples/s it gets.
  await expect
    .poll(async () =>
      (await page.getByTestId('race-lane-speed').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-value'))))).every(
        (v) => v > 0,
      ),
    )
    .toBe(true);
  await expect(page.getByTestId('race-throughput')).toContainText('examples/s in all');
  // The curves keep growing: it is live, not drawn at the end.
  const before = await lanePoints(page);
  await expect.poll(async () => (await lanePoints(page)).every((n, i) => n > before[i]!), { timeout: 60_000 }).toBe(true);
  await page.mouse.move(0, 0);
  await screenshot(page.getByTestId('race'), 'race-in-progress');
  // The main run waits for the race (they would share the cores): Train and Space say so and do nothing.
  await expect(page.getByTestId('start-training')).toHaveAttribute('aria-disabled', 'true');
  await expect(page.getByTestId('train-blocked-race')).toContainText('live race');
  // (force: Playwright would otherwise wait for the button to be enabled, i.e. for the race to end.)
  await page.getByTestId('start-training').click({ force: true });
  await page.locator('body').press('Space');
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', 'idle');

  await page.getByTestId('race-stop').click();
  await expect(page.getByTestId('race')).toHaveAttribute('data-state', 'finished', { timeout: 60_000 });
  await expect(page.getByTestId('train-blocked-race')).toHaveCount(0);
  await expect(page.getByTestId('start-training')).toHaveAttribute('aria-disabled', 'false');
  await expect(page.getByTestId('race-status')).toContainText('Race over');
  // Both lanes land in the history as runs of their own, ticked for the compare chart.
  const history = page.getByTestId('history');
  await expect(history).toHaveAttribute('data-count', '2');
  const names = await page.getByTestId('run-name').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
  expect(names.some((n) => n.includes('act=relu'))).toBe(true);
  expect(names.some((n) => n.includes('act=sigmoid'))).toBe(true);
  await expect(page.getByTestId('compare-chart')).toHaveAttribute('data-series', '2');
  await expect(page.getByTestId('compare-chart')).toHaveAttribute('data-legend', /act=relu\|act=sigmoid|act=sigmoid\|act=relu/);
  expect(console.filter((l) => !l.includes('favicon'))).toEqual([]);
});

test('a race set up in the panel: current settings against another value, its link, and bad race links get a notice', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/?n=1000&opt=sgd');
  await page.getByTestId('race-param').selectOption('optimizer');
  await expect(page.getByTestId('race-values')).toHaveValue('adam');
  await page.getByTestId('race-values').fill('adam, rmsprop');
  await expect(page.getByTestId('race-preview')).toHaveText('3 lanes: opt=sgd  vs  opt=adam  vs  opt=rmsprop');
  await page.getByTestId('race-copy-link').click();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(new URL(link).searchParams.get('race')).toBe('opt:sgd;opt:adam;opt:rmsprop');

  // The copied link proposes the same race.
  await page.goto(link);
  await expect(page.getByTestId('race-proposal')).toContainText('opt=sgd  vs  opt=adam  vs  opt=rmsprop');

  // A preset's variants, two of them ticked.
  await page.getByTestId('race-mode-preset').check();
  await page.getByTestId('race-preset').selectOption('activations');
  for (const id of ['leaky-relu', 'elu']) await page.getByTestId(`race-variant-${id}`).uncheck();
  await expect(page.getByTestId('race-preview')).toHaveText('2 lanes: relu  vs  tanh');

  // Bad parts of race= are listed; with fewer than two usable variants there is no race.
  await page.goto('/?race=act:relu;act:nope;zzz:1');
  const notice = page.getByTestId('url-notice');
  await expect(notice).toContainText('variant 2: Activation');
  await expect(notice).toContainText('variant 3: "zzz" is not a setting');
  await expect(notice).toContainText('a race needs 2 to 4 variants (1 usable)');
  await expect(page.getByTestId('race-proposal')).toHaveCount(0);

  // A course preset races from its own entry too; stopped before any step, nothing goes into the history.
  await page.goto('/');
  await page.getByTestId('preset-optimizers').locator('summary').click();
  await page.getByTestId('preset-optimizers-race').click();
  await expect(page.getByTestId('race')).toHaveAttribute('data-state', 'running');
  await expect(page.getByTestId('race-lane')).toHaveText([/SGD/, /momentum 0.9/, /RMSprop/, /Adam/]);
  await page.getByTestId('race-stop').click();
  await expect(page.getByTestId('race')).toHaveAttribute('data-state', 'finished', { timeout: 60_000 });
});

test('a race lane whose loss explodes ends as "Diverged" (not "Finished") and lands in the history with that verdict', async ({ page }) => {
  await page.goto('/?n=1000&val=0&ep=1&bs=64&race=lr:0.01;lr:5');
  await page.getByTestId('race-proposal-start').click();
  await expect(page.getByTestId('race')).toHaveAttribute('data-state', 'finished', { timeout: 180_000 });
  await expect(lanes(page).nth(1)).toContainText('Diverged at step');
  await expect(lanes(page).nth(0)).toContainText('Finished in');
  await expect(page.getByTestId('history')).toHaveAttribute('data-count', '2');
  const kinds = await page.getByTestId('run-verdict').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')).sort());
  expect(kinds).toEqual(['diverged', 'learned']);
});
