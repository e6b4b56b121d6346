/**
 * The claims of the batch-norm, depth and label-noise presets, checked in the built app with each
 * variant's own settings (its preset link), by the same checks as EXPERIMENTS.md
 * (scripts/experiments/catalog.ts). Minutes per variant: run on demand with
 * `E2E_PORT=<port> npx playwright test -c playwright.verify.config.ts`; the numbers go to
 * test-results/presets-claims.json.
 */
import { writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { presetQuery } from '../src/core/presets';
import { PLANS, variantRuns } from '../scripts/experiments/catalog';
import type { RunResult } from '../scripts/experiments/run';
import { screenshot, status, value } from './helpers';

const IDS = (process.env['VERIFY_PRESETS'] ?? 'bn-short,depth,label-noise').split(',');
const found: Record<string, Record<string, { test: number; train: number; kept: number | null; seconds: number }>> = {};

for (const plan of PLANS.filter((p) => IDS.includes(p.preset.id))) {
  test(`${plan.preset.id}: the course's claims hold in the browser with the preset's settings`, async ({ page }) => {
    const runs = new Map<string, RunResult[]>();
    found[plan.preset.id] = {};
    for (const v of plan.preset.variants) {
      await page.goto(`/?${presetQuery(v)}`);
      const started = Date.now();
      await page.getByTestId('start-training').click();
      await expect(status(page)).toHaveAttribute('data-state', /done|error/, { timeout: 30 * 60_000 });
      const test = await value(page, 'metric-test-accuracy');
      const train = await value(page, 'metric-train-accuracy');
      const keptText = v.settings.labelNoise ? await page.getByTestId('noise-rate').getAttribute('data-value') : null;
      const kept = keptText === null ? null : 1 - Number(keptText);
      found[plan.preset.id]![v.id] = { test, train, kept, seconds: (Date.now() - started) / 1000 };
      console.log(
        `${plan.preset.id}/${v.id}: test ${test.toFixed(4)}, train ${train.toFixed(4)}${kept === null ? '' : `, kept ${kept.toFixed(3)}`}, ${Math.round((Date.now() - started) / 1000)} s`,
      );
      await screenshot(page, `verify-${plan.preset.id}-${v.id}`);
      const r = {
        testAccuracy: test,
        trainAccuracy: train,
        trainAccuracyRecent: train,
        labelsKept: kept,
        testAccuracyByEpoch: [test],
        trainAccuracyByEpoch: [train],
        testNegativeAccuracy: null,
        topPairs: [],
      } as unknown as RunResult;
      runs.set(v.id, [r]);
    }
    writeFileSync('test-results/presets-claims.json', JSON.stringify(found, null, 2));
    // One run per variant here: claims about the spread across seeds need the report's seeds.
    const checks = plan.checks((id) => variantRuns(runs.get(id) ?? [])).filter((c) => !/spread/.test(c.claim));
    for (const c of checks) console.log(`${c.holds ? '✓' : '✗'} ${c.claim}: ${c.measured}`);
    for (const c of checks) expect.soft(c.holds, `${c.claim}: ${c.measured}`).toBe(true);
  });
}
