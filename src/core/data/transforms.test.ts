import { describe, expect, it } from 'vitest';
import { prepareData } from '../experiment';
import { createRng } from '../rng';
import { DEFAULT_SETTINGS, type Settings } from '../settings';
import { syntheticSet, syntheticSplit } from '../testing/synthetic';
import { fillBatch, negativesOf, wholeSet, withNegatives, type Subset } from './batches';
import { addLabelNoise, rowNormalize } from './labelNoise';
import { channelStatistics, makePreprocessing, preprocessingFor, unitPreprocessing } from './transforms';

const SIZE = 16;
const PIXELS = SIZE * SIZE;

/** Fills one batch of `subset` in subset order and returns the pixel buffer and the label of each row. */
function batch(subset: Subset, pre = unitPreprocessing(subset.source.channels), aug: Parameters<typeof fillBatch>[8] = null) {
  const n = subset.indices.length;
  const pixels = subset.source.height * subset.source.width * subset.source.channels;
  const x = new Float32Array(n * pixels);
  const y = new Float32Array(n * 10);
  fillBatch(subset, null, 0, n, 10, x, y, pre, aug);
  const labels = Array.from({ length: n }, (_, i) => y.subarray(i * 10, i * 10 + 10).indexOf(1));
  return { x, labels, image: (i: number) => x.subarray(i * pixels, (i + 1) * pixels) };
}

const settings = (s: Partial<Settings>): Settings => ({ ...DEFAULT_SETTINGS, ...s });

describe('negative images', () => {
  const set = syntheticSet(8, 3, SIZE);
  it('the negatives transform is 1 − x, and keeps the label', () => {
    const pos = batch(wholeSet(set));
    const neg = batch(negativesOf(wholeSet(set)));
    for (let i = 0; i < pos.x.length; i++) expect(neg.x[i]).toBeCloseTo(1 - pos.x[i]!, 6);
    expect(neg.labels).toEqual(pos.labels);
  });

  it('the default path still scales bytes by 1/255 exactly', () => {
    const { x } = batch(wholeSet(set));
    for (let i = 0; i < x.length; i++) expect(x[i]).toBe(Math.fround(set.images[i]! / 255));
  });

  it('|I − mean(I)| makes a positive and its negative bit-identical', () => {
    const pre = makePreprocessing(1, { absMean: true });
    const both = batch(withNegatives(wholeSet(set)), pre);
    for (let i = 0; i < 8; i++) expect(Array.from(both.image(i + 8))).toEqual(Array.from(both.image(i)));
    // …and is |x − mean(x)| of the [0, 1] image.
    const img = Array.from(set.images.subarray(0, PIXELS), (b) => b / 255);
    const mean = img.reduce((a, b) => a + b, 0) / PIXELS;
    img.forEach((v, p) => expect(both.image(0)[p]).toBeCloseTo(Math.abs(v - mean), 6));
  });

  it('train-both doubles training and validation with negatives; every mode but none tests on negatives', () => {
    const data = syntheticSplit(50, 20, 1, SIZE);
    const both = prepareData(settings({ negatives: 'train-both', validationSize: 10 }), data);
    expect(both.train.indices).toHaveLength(80);
    expect(Array.from(both.train.negated!.subarray(40))).toEqual(new Array(40).fill(1));
    expect(both.validation!.indices).toHaveLength(20);
    expect(both.testNegative!.negated!.every((n) => n === 1)).toBe(true);
    const testOnly = prepareData(settings({ negatives: 'test-negative', validationSize: 10 }), data);
    expect(testOnly.train.indices).toHaveLength(40);
    expect(testOnly.train.negated).toBeUndefined();
    expect(testOnly.testNegative!.indices).toHaveLength(20);
    expect(prepareData(settings({ negatives: 'abs-mean' }), data).preprocessing.absMean).toBe(true);
    expect(prepareData(settings({}), data).testNegative).toBeNull();
  });
});

describe('normalisation', () => {
  it('standardisation uses statistics of the training subset only', () => {
    const data = syntheticSplit(60, 30, 1, SIZE);
    // Brighten the test images: if test pixels leaked into the statistics, the mean would move.
    data.test.images.fill(255);
    const prepared = prepareData(settings({ normalization: 'standardize', validationSize: 20 }), data);
    const stats = channelStatistics(prepared.train, false);
    expect(prepared.preprocessing.mean[0]).toBeCloseTo(stats.mean[0]!, 12);
    const { x } = batch(prepared.train, prepared.preprocessing);
    const mean = x.reduce((a, b) => a + b, 0) / x.length;
    const std = Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length);
    expect(mean).toBeCloseTo(0, 4);
    expect(std).toBeCloseTo(1, 4);
    // The validation examples are not part of the statistics either.
    const withValidation = channelStatistics({ source: data.train, indices: Uint32Array.from({ length: 60 }, (_, i) => i) }, false);
    expect(withValidation.mean[0]).not.toBeCloseTo(stats.mean[0]!, 6);
  });

  it('statistics with negatives included are those of the mixture; per channel for colour images', () => {
    const set = syntheticSet(20, 5, SIZE);
    const both = channelStatistics(withNegatives(wholeSet(set)), false);
    expect(both.mean[0]).toBeCloseTo(0.5, 12);
    const colour = syntheticSet(10, 5, SIZE, 3);
    colour.images.forEach((_, i) => (colour.images[i] = i % 3 === 0 ? 255 : colour.images[i]!));
    const stats = channelStatistics(wholeSet(colour), false);
    expect(stats.mean[0]).toBe(1);
    expect(stats.std[0]).toBe(1); // constant channel: σ left at 1
    expect(stats.mean[1]).toBeLessThan(0.9);
    const pre = preprocessingFor({ normalization: 'standardize', negatives: 'none' }, wholeSet(colour));
    expect(batch(wholeSet(colour), pre).x[0]).toBe(0);
  });
});

describe('augmentation', () => {
  const set = syntheticSet(40, 9, SIZE);
  it('a random shift translates the image and fills with black; the seed fixes it', () => {
    const aug = () => ({ erasing: 0, shift: 2, rng: createRng(5) });
    const plain = batch(wholeSet(set));
    const a = batch(wholeSet(set), undefined, aug());
    const b = batch(wholeSet(set), undefined, aug());
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
    expect(Array.from(a.x)).not.toEqual(Array.from(plain.x));
    // Every shifted image equals the original moved by some (dx, dy) with |d| ≤ 2.
    for (let i = 0; i < 40; i++) {
      const img = a.image(i);
      const src = plain.image(i);
      const found = [-2, -1, 0, 1, 2].some((dx) =>
        [-2, -1, 0, 1, 2].some((dy) => {
          for (let yy = 0; yy < SIZE; yy++)
            for (let xx = 0; xx < SIZE; xx++) {
              const sy = yy - dy;
              const sx = xx - dx;
              const want = sy >= 0 && sy < SIZE && sx >= 0 && sx < SIZE ? src[sy * SIZE + sx]! : 0;
              if (img[yy * SIZE + xx] !== want) return false;
            }
          return true;
        }),
      );
      expect(found).toBe(true);
    }
  });

  it('random erasing changes about p of the images, each in one rectangle', () => {
    const plain = batch(wholeSet(set));
    const erased = batch(wholeSet(set), undefined, { erasing: 0.5, shift: 0, rng: createRng(11) });
    let changed = 0;
    for (let i = 0; i < 40; i++) {
      const diff: number[] = [];
      plain.image(i).forEach((v, p) => v !== erased.image(i)[p] && diff.push(p));
      if (diff.length === 0) continue;
      changed += 1;
      const rows = diff.map((p) => Math.floor(p / SIZE));
      const cols = diff.map((p) => p % SIZE);
      const box = (Math.max(...rows) - Math.min(...rows) + 1) * (Math.max(...cols) - Math.min(...cols) + 1);
      expect(box).toBeLessThanOrEqual(0.4 * PIXELS);
    }
    expect(changed).toBeGreaterThan(10);
    expect(changed).toBeLessThan(30);
  });
});

describe('label noise', () => {
  const n = 10_000;
  const labels = Uint8Array.from({ length: n + 2000 }, (_, i) => i % 10);
  const trainIdx = Uint32Array.from({ length: n }, (_, i) => i);

  it.each([0.2, 0.6])('ε = %s: realised rate ≈ ε, off-diagonal ≈ ε/9 each, other labels untouched', (eps) => {
    const { labels: noisy, report } = addLabelNoise(labels, trainIdx, eps, 10, createRng(7));
    let flipped = 0;
    for (let i = 0; i < n; i++) if (noisy[i] !== labels[i]) flipped++;
    expect(report.flipped).toBe(flipped);
    expect(Math.abs(flipped / n - eps)).toBeLessThan(0.02);
    const p = rowNormalize(report.matrix);
    for (let c = 0; c < 10; c++) {
      expect(Math.abs(p[c]![c]! - (1 - eps))).toBeLessThan(0.06);
      for (let k = 0; k < 10; k++) if (k !== c) expect(Math.abs(p[c]![k]! - eps / 9)).toBeLessThan(0.03);
    }
    expect(report.matrix.flat().reduce((a, b) => a + b, 0)).toBe(n);
    // Examples outside the training indices (validation) keep their labels; the input is not modified.
    expect(Array.from(noisy.subarray(n))).toEqual(Array.from(labels.subarray(n)));
    expect(labels[3]).toBe(3);
  });

  it('in a run: seeded, only on training examples, validation and test clean, matrix reported', () => {
    const data = syntheticSplit(400, 50, 1, SIZE);
    const s = settings({ labelNoise: 0.4, validationSize: 100 });
    const a = prepareData(s, data);
    const b = prepareData(s, data);
    expect(Array.from(a.train.labels!)).toEqual(Array.from(b.train.labels!));
    expect(a.labelNoise!.count).toBe(300);
    expect(a.validation!.labels).toBeUndefined();
    expect(a.test.labels).toBeUndefined();
    for (const i of a.validation!.indices) expect(a.train.labels![i]).toBe(data.train.labels[i]);
    // The training batches carry the noisy labels.
    const { labels: batchLabels } = batch(a.train);
    const noisyInBatch = batchLabels.filter((l, i) => l !== data.train.labels[a.train.indices[i]!]).length;
    expect(noisyInBatch).toBe(a.labelNoise!.flipped);
    expect(prepareData(settings({ labelNoise: 0.4, validationSize: 100, seed: 2 }), data).train.labels).not.toEqual(a.train.labels);
    expect(prepareData(settings({ labelNoise: 0 }), data).labelNoise).toBeNull();
  });
});
