/**
 * `npm run experiments`: every preset's variants (scripts/experiments/catalog.ts) trained with the
 * app's own core on the WASM backend, seeds 1…n, each run cached in experiments/results.json as soon
 * as it ends (a stopped run continues where it was; runs whose settings changed are measured again).
 * Seed 1 of every experiment runs first, then seed 2, …, so a run cut short still covers them all.
 * After each run EXPERIMENTS.md, public/experiments.html and src/core/presetResults.ts are rewritten.
 *
 * Environment: EXP_ONLY=preset,ids (only these), EXP_REPORT_ONLY=1 (no training: regenerate the
 * report from the cache), EXP_MAX_SECONDS (stop starting new runs after this long), EXP_SEEDS=2,3
 * (only these seeds), EXP_RESULTS=<file> (cache elsewhere, no report: for a second process).
 */
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { it } from 'vitest';
import { presetSettings } from '../src/core/presets';
import type { Settings } from '../src/core/settings';
import { PLANS } from './experiments/catalog';
import { readResults, runKey, runQuery, writeReports, type ResultsFile } from './experiments/report';
import { loadDataset, measureRun, useWasm, withTestSubset } from './experiments/run';

/** EXP_RESULTS: another cache file (a second process on other seeds; merge its runs into results.json). */
const RESULTS = process.env['EXP_RESULTS'] ?? 'experiments/results.json';
const WRITE_REPORTS = RESULTS === 'experiments/results.json';
const PATHS = { markdown: 'EXPERIMENTS.md', html: 'public/experiments.html', module: 'src/core/presetResults.ts' };

function meta(file: ResultsFile) {
  const totalSeconds = Object.values(file.runs).reduce((sum, r) => sum + r.result.seconds, 0);
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return {
    mode: 'full' as const,
    generated: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    totalSeconds,
    machine: `${os.cpus().length} cores (${cpu.trim()}), shared with other work, Node ${process.version}`,
  };
}

it('experiments (full mode)', async () => {
  const only = process.env['EXP_ONLY']?.split(',');
  const maxSeconds = Number(process.env['EXP_MAX_SECONDS'] ?? Infinity);
  const started = performance.now();
  const file = await readResults(RESULTS);
  if (process.env['EXP_REPORT_ONLY'] !== '1') {
    await useWasm();
    const plans = PLANS.filter((p) => !only || only.includes(p.preset.id));
    const maxSeeds = Math.max(...plans.map((p) => p.seeds));
    const seeds = process.env['EXP_SEEDS']?.split(',').map(Number);
    for (let seed = 1; seed <= maxSeeds; seed++)
      for (const plan of plans) {
        if (seed > plan.seeds || (seeds && !seeds.includes(seed))) continue;
        for (const [i, v] of plan.preset.variants.entries()) {
          const key = runKey(plan.preset.id, v.id, seed);
          const query = runQuery(plan, i, seed);
          const cached = file.runs[key];
          if (cached && cached.query === query && cached.testImages === plan.testImages) continue;
          if ((performance.now() - started) / 1000 > maxSeconds) continue;
          const settings: Settings = { ...presetSettings(v), seed };
          const data = withTestSubset(await loadDataset(settings.dataset), plan.testImages);
          const result = await measureRun(settings, data);
          file.runs[key] = { query, testImages: plan.testImages, finishedAt: new Date().toISOString(), result };
          await writeFile(RESULTS, `${JSON.stringify(file, null, 1)}\n`);
          if (WRITE_REPORTS) await writeReports(file, meta(file), PATHS);
          console.log(
            `${new Date().toISOString().slice(11, 19)} ${key}: test ${result.testAccuracy.toFixed(4)}, train ${result.trainAccuracy.toFixed(4)}${result.testNegativeAccuracy !== null ? `, negatives ${result.testNegativeAccuracy.toFixed(4)}` : ''}, ${result.seconds.toFixed(0)} s`,
          );
        }
      }
  }
  if (WRITE_REPORTS) await writeReports(file, meta(file), PATHS);
});
