/**
 * Runs the negative-images experiment (scripts/negatives-experiment.ts) on real MNIST with the WASM
 * backend. Not part of `npm test` (minutes of training); run it with
 *
 *   npx vitest run -c scripts/vitest.experiment.config.ts
 *
 * Environment: NEG_MODES (default "test-negative,train-both,abs-mean"), NEG_SEEDS (default "1"),
 * NEG_EPOCHS (default 1), NEG_OUT (optional path of a JSON file for the rows).
 */
import { writeFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import type { NegativeMode } from '../src/core/settings';
import { formatTable, loadMnist, runNegatives, useWasm, type NegativesRow } from './negatives-experiment';

const modes = (process.env['NEG_MODES'] ?? 'test-negative,train-both,abs-mean').split(',') as NegativeMode[];
const seeds = (process.env['NEG_SEEDS'] ?? '1').split(',').map(Number);
const epochs = Number(process.env['NEG_EPOCHS'] ?? 1);

it('negative images on MNIST (WASM backend)', async () => {
  await useWasm();
  const data = await loadMnist();
  const rows: NegativesRow[] = [];
  for (const mode of modes) for (const seed of seeds) rows.push(await runNegatives(data, mode, seed, epochs, (l) => console.log(l)));
  console.log(`\n${formatTable(rows)}\n`);
  if (process.env['NEG_OUT']) await writeFile(process.env['NEG_OUT'], JSON.stringify(rows, null, 2));
  for (const r of rows) {
    expect(r.positive).toBeGreaterThan(0.9);
    if (r.mode !== 'test-negative') expect(r.negative).toBeGreaterThan(0.9);
    if (r.mode === 'abs-mean') expect(r.negative).toBe(r.positive);
  }
});
