import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { fillBatch, wholeSet } from '../data/batches';
import { buildModel } from '../model';
import { createOptimizer } from '../optimizers';
import { DEFAULT_SETTINGS, type Settings } from '../settings';
import { syntheticSplit } from '../testing/synthetic';
import {
  averageInto,
  Barrier,
  compareWeights,
  createExchangeBuffer,
  exchangeLayout,
  fingerprint,
  GradientExchange,
  sliceOf,
  slotOffset,
} from './dataParallel';
import { Replica } from './replica';
import { StepRunner } from './stepRunner';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The app's default model and optimizer (LeNet-5, SGD + momentum) on 16×16 synthetic images. */
const settings: Settings = { ...DEFAULT_SETTINGS, validationSize: 0, batchSize: 8 };
const data = syntheticSplit(64, 8, 3, 16);
const shape = [16, 16, 1] as const;

function batch(start: number, size: number): { x: Float32Array; y: Float32Array } {
  const x = new Float32Array(size * 256);
  const y = new Float32Array(size * 10);
  fillBatch(wholeSet(data.train), null, start, size, 10, x, y);
  return { x, y };
}

/** The untrained model's weights (the seeded initialisation). */
function initial(): Float32Array {
  const { replica: r, dispose } = replica();
  const w = r.weights();
  dispose();
  return w;
}

function replica(): { replica: Replica; model: tf.LayersModel; optimizer: tf.Optimizer; dispose: () => void } {
  const model = buildModel(settings, data.train, 10);
  const optimizer = createOptimizer(settings);
  return {
    replica: new Replica(model, optimizer),
    model,
    optimizer,
    dispose: () => {
      model.dispose();
      optimizer.dispose();
    },
  };
}

describe('data-parallel gradients', () => {
  it.each([2, 4])('the average of %i equal slice gradients of the mean loss is the whole batch gradient', (w) => {
    const { replica: r, dispose } = replica();
    try {
      const whole = batch(0, 8);
      const full = r.gradientOf(whole.x, whole.y, 8, shape, 10);
      const expected = full.gradient.slice();
      const exchange = new GradientExchange(new ArrayBuffer(exchangeLayout(w, r.params).bytes), w, r.params, 0);
      let lossSum = 0;
      for (let i = 0; i < w; i++) {
        const { start, size } = sliceOf(8, w, i);
        const part = batch(start, size);
        const g = r.gradientOf(part.x, part.y, size, shape, 10);
        lossSum += g.loss;
        exchange.slot(0, i).set(g.gradient);
        exchange.slot(0, i)[r.params] = g.loss;
      }
      const averaged = new Float32Array(r.params);
      const loss = exchange.average(0, averaged);
      expect(loss).toBeCloseTo(full.loss, 6);
      expect(loss).toBeCloseTo(lossSum / w, 10);
      let worst = 0;
      for (let j = 0; j < r.params; j++) worst = Math.max(worst, Math.abs(averaged[j]! - expected[j]!));
      expect(worst).toBeLessThan(1e-6);
      // Not vacuous: the gradient is far from zero, and one slice alone is not the batch gradient.
      expect(Math.max(...expected.map(Math.abs))).toBeGreaterThan(1e-2);
      const first = exchange.slot(0, 0).subarray(0, r.params);
      expect(Math.max(...first.map((v, j) => Math.abs(v - expected[j]!)))).toBeGreaterThan(1e-4);
    } finally {
      dispose();
    }
  });

  it('two replicas stepping together stay bit-identical, track one replica on the whole batch, and leak no tensors', () => {
    const two = [replica(), replica()];
    const one = replica();
    try {
      const p = one.replica.params;
      // Both replicas' views of one buffer.
      const shared = createExchangeBuffer(2, p);
      const views = [0, 1].map((i) => new GradientExchange(shared, 2, p, i));
      const solo = new GradientExchange(new ArrayBuffer(exchangeLayout(1, p).bytes), 1, p, 0);
      const losses: number[] = [];
      let tensors = 0;
      for (let step = 0; step < 6; step++) {
        const start = (step * 8) % 64;
        // Sequential stand-in for the barrier: every replica publishes, then every replica applies.
        two.forEach(({ replica: r }, i) => {
          const s = sliceOf(8, 2, i);
          const part = batch(start + s.start, s.size);
          const g = r.gradientOf(part.x, part.y, s.size, shape, 10);
          views[i]!.publish(step, g.gradient, g.loss);
        });
        const means = two.map(({ replica: r }, i) => r.applyAverage(views[i]!, step));
        expect(means[0]).toBe(means[1]);
        losses.push(means[0]!);
        const whole = batch(start, 8);
        const g = one.replica.gradientOf(whole.x, whole.y, 8, shape, 10);
        solo.publish(step, g.gradient, g.loss);
        one.replica.applyAverage(solo, step);
        if (step === 1) tensors = tf.memory().numTensors;
      }
      expect(tf.memory().numTensors).toBe(tensors);
      const [a, b] = two.map(({ replica: r }) => r.weights());
      expect(compareWeights(a!, b!)).toEqual({ maxAbsDiff: 0, differing: 0 });
      expect(fingerprint(a!)).toBe(fingerprint(b!));
      const vsOne = compareWeights(a!, one.replica.weights());
      expect(vsOne.maxAbsDiff).toBeLessThan(1e-4);
      expect(Number.isFinite(losses[0])).toBe(true);
    } finally {
      for (const r of [...two, one]) r.dispose();
    }
  });

  it("one replica is the app's own step, bit for bit (the same gradient, averaged over one slot, applied the same way)", () => {
    const app = replica();
    const solo = replica();
    try {
      const runner = new StepRunner(app.model, app.optimizer, 0, 0);
      const p = solo.replica.params;
      const exchange = new GradientExchange(createExchangeBuffer(1, p), 1, p, 0);
      for (let step = 0; step < 4; step++) {
        const { x, y } = batch(step * 8, 8);
        const { stats, norms } = runner.run(x, y, 8, shape, 10);
        tf.dispose([stats, ...(norms ? [norms] : [])]);
        solo.replica.step(exchange, step, x, y, 8, shape, 10);
      }
      const ours = solo.replica.weights();
      expect(compareWeights(ours, new Replica(app.model, app.optimizer).weights())).toEqual({ maxAbsDiff: 0, differing: 0 });
      expect(compareWeights(ours, initial()).differing).toBeGreaterThan(p / 2);
    } finally {
      app.dispose();
      solo.dispose();
    }
  });
});

describe('fixed-order reduction', () => {
  it('sums the slots in slot order in float64 and rounds once: the same bits every time', () => {
    const rng = (seed: number) => () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
    const next = rng(7);
    const slots = [0, 1, 2].map(() => Float32Array.from({ length: 1000 }, () => next() * 10 ** Math.floor(next() * 8)));
    const out = new Float32Array(1000);
    averageInto(slots, out);
    const again = new Float32Array(1000);
    averageInto(slots, again);
    expect(fingerprint(again)).toBe(fingerprint(out));
    for (let j = 0; j < 1000; j++) expect(out[j]).toBe(Math.fround((slots[0]![j]! + slots[1]![j]! + slots[2]![j]!) / 3));
  });

  it('slot order is part of the result: a reordered reduction is not the same (so the order must stay fixed)', () => {
    const big = 2 ** 60;
    const out = new Float32Array(1);
    averageInto([Float32Array.of(big), Float32Array.of(1), Float32Array.of(-big)], out);
    expect(out[0]).toBe(0);
    averageInto([Float32Array.of(big), Float32Array.of(-big), Float32Array.of(1)], out);
    expect(out[0]).toBe(Math.fround(1 / 3));
  });

  it('averages only the first `out.length` values and refuses short slots', () => {
    const out = new Float32Array(2);
    averageInto([Float32Array.of(1, 2, 99), Float32Array.of(3, 6, 99)], out);
    expect([...out]).toEqual([2, 4]);
    expect(() => averageInto([Float32Array.of(1)], new Float32Array(2))).toThrow(/slot holds 1/);
    expect(() => averageInto([], out)).toThrow(/nothing/);
  });
});

describe('slices and slots', () => {
  it('splits a batch into equal, adjacent slices that cover it, and refuses unequal ones', () => {
    expect([0, 1, 2, 3].map((i) => sliceOf(32, 4, i))).toEqual([
      { start: 0, size: 8 },
      { start: 8, size: 8 },
      { start: 16, size: 8 },
      { start: 24, size: 8 },
    ]);
    expect(sliceOf(512, 1, 0)).toEqual({ start: 0, size: 512 });
    expect(() => sliceOf(32, 3, 0)).toThrow(/equal slices/);
    expect(() => sliceOf(32, 2, 2)).toThrow(/not one of/);
  });

  it('gives every (bank, slot) its own place after the header, banks alternating with the step', () => {
    const layout = exchangeLayout(3, 10);
    expect(layout.slotFloats).toBe(11);
    const offsets = [0, 1].flatMap((step) => [0, 1, 2].map((slot) => slotOffset(layout, step, slot)));
    expect(new Set(offsets).size).toBe(6);
    expect(Math.min(...offsets)).toBe(4);
    expect(Math.max(...offsets) + layout.slotFloats).toBe(layout.bytes / 4);
    expect(slotOffset(layout, 2, 1)).toBe(slotOffset(layout, 0, 1));
    expect(slotOffset(layout, 3, 1)).not.toBe(slotOffset(layout, 2, 1));
  });
});

describe('barrier', () => {
  it('times out with a clear message when a party never arrives', () => {
    const barrier = new Barrier(new Int32Array(new SharedArrayBuffer(8)), 2);
    expect(() => barrier.wait(30)).toThrow(/did not all arrive/);
  });

  it('keeps real threads in lockstep: every replica reads every slot of the current step, never a stale one', async () => {
    const replicas = 3;
    const rounds = 300;
    const params = 257;
    const buffer = createExchangeBuffer(replicas, params);
    const source = ts.transpileModule(readFileSync(new URL('./dataParallel.ts', import.meta.url), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const harness = `
      const { parentPort, workerData } = require('node:worker_threads');
      const dp = {};
      (function (exports, module) { ${source} })(dp, { exports: dp });
      const { buffer, replicas, params, index, rounds } = workerData;
      const exchange = new dp.GradientExchange(buffer, replicas, params, index);
      const mine = new Float32Array(params);
      const out = new Float32Array(params);
      let wrong = 0;
      const generations = [];
      for (let r = 0; r < rounds; r++) {
        mine.fill(r * 10 + index);
        exchange.publish(r, mine, index);
        generations.push(exchange.barrier.wait(10000));
        exchange.average(r, out);
        // The slots hold r*10 + 0, 1, …, W-1: their mean is r*10 + (W-1)/2.
        for (let j = 0; j < params; j++) if (out[j] !== Math.fround(r * 10 + (replicas - 1) / 2)) wrong++;
      }
      parentPort.postMessage({ wrong, generations });
    `;
    const results = await Promise.all(
      Array.from({ length: replicas }, (_, index) => {
        const worker = new Worker(harness, { eval: true, workerData: { buffer, replicas, params, index, rounds } });
        return new Promise<{ wrong: number; generations: number[] }>((resolve, reject) => {
          worker.once('message', (m: { wrong: number; generations: number[] }) => void worker.terminate().then(() => resolve(m)));
          worker.once('error', reject);
        });
      }),
    );
    for (const r of results) {
      expect(r.wrong).toBe(0);
      expect(r.generations).toEqual(Array.from({ length: rounds }, (_, i) => i));
    }
  });
});
