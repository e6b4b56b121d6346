import { describe, expect, it } from 'vitest';
import { PRESETS, presetQuery } from '../../src/core/presets';
import { PLANS } from './catalog';
import { htmlReport, markdownReport, presetResultsModule, runKey, runQuery, type ResultsFile } from './report';
import type { RunResult } from './run';

const result = (test: number): RunResult => ({
  trainLoss: 0.1, trainAccuracy: 0.9, trainAccuracyRecent: 0.92, testLoss: 0.2, testAccuracy: test, testNegativeAccuracy: null,
  testAccuracyByEpoch: [test], trainAccuracyByEpoch: [0.9], labelsKept: null, noiseRow0: null, topPairs: [], epochs: 1, seconds: 10, examplesPerSecond: 500, diverged: false,
});

describe('the reproduction report', () => {
  it('covers every preset exactly once', () => {
    expect(PLANS.map((p) => p.preset.id).sort()).toEqual(PRESETS.map((p) => p.id).sort());
  });

  it('uses only runs measured with the variant’s current settings, and links each variant to the app', () => {
    const plan = PLANS.find((p) => p.preset.id === 'bn-short')!;
    const file: ResultsFile = { version: 1, runs: {} };
    plan.preset.variants.forEach((v, i) => {
      file.runs[runKey(plan.preset.id, v.id, 1)] = { query: runQuery(plan, i, 1), testImages: plan.testImages, finishedAt: '', result: result(0.5 + i / 10) };
      // A run of older settings (another query) must not count.
      file.runs[runKey(plan.preset.id, v.id, 2)] = { query: 'v=1&lr=9', testImages: plan.testImages, finishedAt: '', result: result(0.01) };
    });
    const md = markdownReport(file, { mode: 'full', generated: 'now', totalSeconds: 30, machine: 'test' });
    const first = plan.preset.variants[0]!;
    expect(md).toContain(`[${first.label}](./?${presetQuery(first)})`);
    expect(md).toContain('| 1 | 0.920 | 0.500 |');
    expect(md).not.toContain('0.010');
    const module = presetResultsModule(file, { mode: 'full', generated: 'now', totalSeconds: 30, machine: 'test' });
    expect(module).toContain('"bn-short"');
    expect(module).not.toContain('"depth"');
  });

  it('renders as HTML with tables and links, escaping everything else', () => {
    const html = htmlReport('# T\n\n| a | b |\n| --- | --- |\n| [x](./?v=1&lr=0.1) | <script> |\n\n- **ok** `c`');
    expect(html).toContain('<h1>T</h1>');
    expect(html).toContain('<a href="./?v=1&amp;lr=0.1">x</a>');
    expect(html).toContain('<td>&lt;script&gt;</td>');
    expect(html).toContain('<li><strong>ok</strong> <code>c</code></li>');
  });
});
