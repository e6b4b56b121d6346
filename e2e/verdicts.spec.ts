import { expect, test } from '@playwright/test';
import { points, screenshot, status, value } from './helpers';

const verdict = (page: import('@playwright/test').Page) => page.getByTestId('verdict');

test('a diverging learning rate ends with the "diverged" verdict at once; its fix lowers the rate, says so, and the next run learns', async ({
  page,
}) => {
  await page.goto('/?n=2000&val=0&ep=1&lr=5');
  await page.getByTestId('start-training').click();
  await expect(status(page)).toHaveAttribute('data-verdict', 'diverged', { timeout: 120_000 });
  await expect(status(page)).toHaveAttribute('data-state', 'done');
  await expect(status(page)).toContainText(/Diverged: the loss peaked at .* it started at 2\.\d\d/);
  await expect(verdict(page)).toContainText('The run was stopped there; its curves are kept.');
  await expect(page.getByTestId('verdict-causes')).toContainText('The learning rate 5 is probably too high for SGD + momentum');
  // Stopped at once: a handful of steps of the 63, and their curve kept.
  await expect.poll(() => points(page)).toBeGreaterThan(0);
  expect(await page.getByTestId('epoch').getAttribute('data-value')).toBe('1');
  await expect(page.getByTestId('error-banner')).toHaveCount(0);
  await screenshot(page, 'verdict-diverged');

  await page.getByTestId('verdict-fix').filter({ hasText: 'Lower the learning rate to 0.01' }).click();
  await expect(page.getByTestId('fix-applied')).toContainText('Changed Learning rate: 5 → 0.01.');
  await expect(page.getByTestId('setting-lr')).toHaveValue('0.01');
  await expect(page).not.toHaveURL(/[?&]lr=/);
  await page.getByTestId('verdict-train-again').click();
  await expect(status(page)).toHaveAttribute('data-verdict', 'learned', { timeout: 120_000 });
  await expect(status(page)).toContainText(/^Learned: test accuracy \d+\.\d% after 1 epoch \(chance is 10\.0%\)/);
  expect(await value(page, 'metric-test-accuracy')).toBeGreaterThan(0.5);
  await screenshot(page, 'verdict-learned');
  // Both runs are in the history with their verdicts, in words.
  const verdicts = page.getByTestId('run-verdict');
  await expect(verdicts).toHaveCount(2);
  await expect(verdicts.nth(0)).toHaveAttribute('data-kind', 'learned');
  await expect(verdicts.nth(1)).toHaveAttribute('data-kind', 'diverged');
  await expect(verdicts.nth(1)).toContainText('Diverged');
});

test('a run that cannot learn (sigmoid + SGD at lr 0.01) gets "not learning", with the cause and fixes; the optimizer hint suggests a rate', async ({
  page,
}) => {
  await page.goto('/?n=4000&val=0&ep=1&opt=sgd&act=sigmoid');
  await page.getByTestId('start-training').click();
  await expect(status(page)).toHaveAttribute('data-verdict', 'not-learning', { timeout: 180_000 });
  await expect(status(page)).toContainText(/Not learning: test accuracy \d+\.\d% after 125 steps \(chance is 10\.0%\)/);
  await expect(page.getByTestId('verdict-causes')).toContainText('Sigmoid saturates');
  await expect(page.getByTestId('verdict-fix')).toHaveText(['Use ReLU with He initialisation', 'Use Adam at lr 0.001']);
  await screenshot(page, 'verdict-not-learning');

  await page.getByTestId('verdict-fix').first().click();
  await expect(page.getByTestId('fix-applied')).toContainText(
    'Activation: Sigmoid → ReLU; Weight initialisation: Glorot (Xavier) uniform → He normal',
  );
  await expect(page.getByTestId('setting-act')).toHaveValue('relu');
  await expect(page.getByTestId('setting-init')).toHaveValue('he-normal');

  // Switching to Adam keeps SGD's 0.01 (nothing is forced) and suggests Adam's usual rate.
  await expect(page.getByTestId('lr-hint')).toHaveCount(0);
  await page.getByTestId('setting-opt').selectOption('adam');
  await expect(page.getByTestId('setting-lr')).toHaveValue('0.01');
  await expect(page.getByTestId('lr-hint')).toContainText('Adam usually wants lr ≈ 0.001');
  await page.getByTestId('lr-hint-use').click();
  await expect(page.getByTestId('setting-lr')).toHaveValue('0.001');
  await expect(page.getByTestId('lr-hint-applied')).toHaveText('Learning rate: 0.01 → 0.001.');
  await expect(page).toHaveURL(/[?&]lr=0\.001/);
});

test('a run stopped mid-epoch says where, never "after 0 epochs", and its model can be scored on the test set in one click', async ({
  page,
}) => {
  await page.goto('/?val=0&ep=2');
  await page.getByTestId('start-training').click();
  await expect(status(page)).toHaveAttribute('data-state', 'training', { timeout: 60_000 });
  // Stop after 150 steps, which take LeNet-5 well past chance with SGD + momentum. (Waiting for a few chart
  // points was not enough: they arrive in timed batches, so a slow moment could stop the run after ~4 steps.)
  await expect.poll(async () => value(page, 'batch'), { timeout: 60_000 }).toBeGreaterThanOrEqual(150);
  await page.getByTestId('stop-training').click();
  await expect(status(page)).toHaveAttribute('data-verdict', 'stopped', { timeout: 30_000 });
  await expect(status(page)).toContainText(/Stopped at epoch 1, batch [\d,]+\/1,875/);
  await expect(page.getByText(/\b0 epoch/)).toHaveCount(0);
  await expect(verdict(page)).toContainText('No epoch was finished, so the test set has not been scored yet.');
  await page.getByTestId('score-test').click();
  const score = page.getByTestId('stopped-test-score');
  await expect(score).toContainText(/Test accuracy at epoch 1, batch [\d,]+\/1,875: \d+\.\d\d%/, { timeout: 60_000 });
  expect(Number(await score.getAttribute('data-value'))).toBeGreaterThan(0.3);
  await screenshot(page, 'verdict-stopped');
  await expect(page.getByTestId('run-verdict').first()).toHaveAttribute('data-kind', 'stopped');
  // The history row of that run (it finished no epoch) shows the score, marked as taken after stopping,
  // and keeps it across a reload.
  const row = page.getByTestId('run-final-accuracy').first();
  await expect(row).toHaveAttribute('data-scored-after-stop', '1');
  expect(await row.getAttribute('data-value')).toBe(await score.getAttribute('data-value'));
  await expect(row).toHaveText(/^\d+\.\d\d%\*$/);
  await page.reload();
  await expect(page.getByTestId('run-final-accuracy').first()).toHaveAttribute('data-scored-after-stop', '1');
});
