/**
 * The quick mode of `npm run experiments`, part of `npm test`: every experiment of the catalog on
 * small subsets (scripts/experiments/catalog.ts, `quick`), one seed, with the app's core on the WASM
 * backend and real MNIST / Fashion-MNIST, and the course's claims checked on what it measured —
 * batch norm's test accuracy close to its training accuracy after a short run, σ 0.01 at chance while
 * σ 0.1 trains, ε = 0.8 below ε = 0.6, negatives failing a positives-only model, and so on. A claim
 * that the full mode reproduces must hold here too, or the quick settings are not the preset's story.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

/** Claims the quick subsets are too small for, per experiment (kept to a minimum; each says why). */
const NOT_IN_QUICK: Readonly<Record<string, readonly string[]>> = {};

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
      const skip = NOT_IN_QUICK[plan.preset.id] ?? [];
      const checks = plan.checks((id) => variantRuns(runs.get(id) ?? [])).filter((c) => !skip.includes(c.claim));
      expect(checks.length).toBeGreaterThan(0);
      for (const c of checks) expect(c.holds, `${plan.preset.id}: ${c.claim} — measured ${c.measured}`).toBe(true);
    }, 600_000);
  }
});
