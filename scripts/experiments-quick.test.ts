/**
 * The quick mode of `npm run experiments`, part of `npm test`: every experiment of the catalog on
 * small subsets (scripts/experiments/catalog.ts, `quick`), one seed, with the app's core on the WASM
 * backend and real MNIST / Fashion-MNIST, and the course's claims checked on what it measured —
 * batch norm's test accuracy close to its training accuracy after a short run, σ 0.01 at chance while
 * σ 0.1 trains, ε = 0.8 below ε = 0.6, negatives failing a positives-only model, and so on. A claim
 * that the full mode reproduces must hold here too (same settings, one seed, fewer test images).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESET_RESULTS } from '../src/core/presetResults';
import { presetSettings } from '../src/core/presets';
import type { Settings } from '../src/core/settings';
import { PLANS, variantRuns } from './experiments/catalog';
import { hasPrepared } from './experiments/data';
import { loadDataset, measureRun, useWasm, withTestSubset, type RunResult } from './experiments/run';

beforeAll(async () => {
  await useWasm();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

/**
 * The claims to assert: those the full mode reproduced (src/core/presetResults.ts, written by
 * `npm run experiments`). A claim the full mode did not reproduce is reported as such in
 * EXPERIMENTS.md and in the app; asserting it here would only restate that.
 */
function reproduced(presetId: string, claim: string): boolean {
  return PRESET_RESULTS[presetId]?.checks.find((c) => c.claim === claim)?.holds ?? true;
}

describe.skipIf(!hasPrepared('mnist') || !hasPrepared('fashion'))('course experiments, quick mode (real data, WASM)', () => {
  for (const plan of PLANS) {
    it(`${plan.preset.id}: the course's effects go the measured way`, async () => {
      const runs = new Map<string, RunResult[]>();
      for (const v of plan.preset.variants) {
        const list: RunResult[] = [];
        for (let seed = 1; seed <= plan.quick.seeds; seed++) {
          const settings: Settings = { ...presetSettings(v), ...plan.quick.overrides, ...plan.quick.perVariant?.[v.id], seed };
          list.push(await measureRun(settings, withTestSubset(await loadDataset(settings.dataset), plan.quick.testImages)));
        }
        runs.set(v.id, list);
      }
      // Claims about the spread across seeds need the full mode's seeds.
      const checks = plan
        .checks((id) => variantRuns(runs.get(id) ?? []))
        .filter((c) => reproduced(plan.preset.id, c.claim) && !/spread/.test(c.claim));
      expect(checks.length).toBeGreaterThan(0);
      for (const c of checks) expect(c.holds, `${plan.preset.id}: ${c.claim} — measured ${c.measured}`).toBe(true);
    }, 600_000);
  }
});
