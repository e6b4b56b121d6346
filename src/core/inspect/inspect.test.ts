import { describe, expect, it } from 'vitest';
import { confidentMistakes, confusionMatrix, examplesOfPairs, rowRates, topConfusedPairs } from './confusion';
import { centreOfMass, mnistStyle, MNIST_SIZE } from './drawing';
import { filterStats, normalizeFilters } from './filters';
import { histogram, moments, valueRange } from './histogram';

describe('confusion matrix', () => {
  // 3 classes: truth → predicted. Row 0: 0→0 ×2, 0→1 ×1; row 1: 1→1 ×1, 1→2 ×2; row 2: 2→0 ×1, 2→2 ×3.
  const truth = [0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2];
  const predicted = [0, 1, 0, 2, 1, 2, 2, 0, 2, 2, 2];

  it('counts (truth, prediction) pairs row-major, rows = true class, and sums to the number of examples', () => {
    const m = confusionMatrix(truth, predicted, 3);
    expect(Array.from(m)).toEqual([2, 1, 0, 0, 1, 2, 1, 0, 4]);
    expect(m.reduce((a, b) => a + b, 0)).toBe(truth.length);
  });

  it('leaves labels outside the classes uncounted and rejects arrays of different lengths', () => {
    expect(Array.from(confusionMatrix([0, 5, 1], [0, 0, 7], 2))).toEqual([1, 0, 0, 0]);
    expect(() => confusionMatrix([0, 1], [0], 2)).toThrow(RangeError);
  });

  it('row rates divide by the true class count; an empty row stays 0', () => {
    const r = rowRates([3, 1, 0, 0], 2);
    expect(Array.from(r)).toEqual([0.75, 0.25, 0, 0]);
  });
});

describe('top confused pairs', () => {
  // 4 classes. Off-diagonal: 1→2: 5, 2→1: 5 (a tie, reverse pairs), 3→0: 7, 0→3: 1, 0→1: 5.
  const k = 4;
  const m = new Uint32Array(k * k);
  const set = (t: number, p: number, c: number) => (m[t * k + p] = c);
  set(0, 0, 50);
  set(1, 1, 40);
  set(2, 2, 30);
  set(3, 3, 20);
  set(1, 2, 5);
  set(2, 1, 5);
  set(3, 0, 7);
  set(0, 3, 1);
  set(0, 1, 5);

  it('orders by count, ties by truth then prediction, and lists a pair and its reverse separately with each other’s count', () => {
    const pairs = topConfusedPairs(m, k, 10);
    expect(pairs.map((p) => `${p.truth}→${p.predicted}:${p.count}/${p.reverse}`)).toEqual([
      '3→0:7/1',
      '0→1:5/0',
      '1→2:5/5',
      '2→1:5/5',
      '0→3:1/7',
    ]);
  });

  it('never lists the diagonal or empty cells, and honours the limit', () => {
    expect(topConfusedPairs(m, k, 2)).toHaveLength(2);
    expect(topConfusedPairs(new Uint32Array([9, 0, 0, 9]), 2, 5)).toEqual([]);
    expect(topConfusedPairs(m, k, 0)).toEqual([]);
  });

  it('finds the first examples of each pair in one pass, in data order', () => {
    const truth = [4, 9, 4, 5, 4, 5, 4];
    const pred = [9, 4, 9, 3, 9, 3, 4];
    expect(
      examplesOfPairs(
        truth,
        pred,
        [
          { truth: 4, predicted: 9 },
          { truth: 5, predicted: 3 },
          { truth: 1, predicted: 7 },
        ],
        2,
        10,
      ),
    ).toEqual([[0, 2], [3, 5], []]);
  });

  it('most confident mistakes first, ties by position; correct predictions never appear', () => {
    expect(confidentMistakes([0, 1, 2, 3, 4], [0, 2, 1, 0, 4], [0.99, 0.6, 0.9, 0.6, 1], 10)).toEqual([2, 1, 3]);
    expect(confidentMistakes([0, 1, 2, 3], [1, 2, 3, 0], [0.1, 0.2, 0.3, 0.4], 2)).toEqual([3, 2]);
  });
});

describe('filter images', () => {
  // Kernel [kh=1, kw=2, in=1, out=2]: filter 0 = [1, −2], filter 1 = [0.5, 0.25]; tfjs order (p·out + f).
  const kernel = [1, 0.5, -2, 0.25];
  const shape = [1, 2, 1, 2] as const;

  it('shared scale: one |w|max for all filters, zero stays zero (centre of the colour map)', () => {
    const f = normalizeFilters(kernel, shape, 'shared');
    expect(Array.from(f.values)).toEqual([0.5, -1, 0.25, 0.125]);
    expect(Array.from(f.scales)).toEqual([2, 2]);
  });

  it('per-filter scale: each filter reaches ±1, signs kept', () => {
    const f = normalizeFilters(kernel, shape, 'per-filter');
    expect(Array.from(f.values)).toEqual([0.5, -1, 1, 0.5]);
    expect(Array.from(f.scales)).toEqual([2, 0.5]);
  });

  it('an all-zero filter comes out zero with scale 0 (no division by zero), RGB filters keep their channel order', () => {
    const f = normalizeFilters([0, 0, 0, 0], shape, 'per-filter');
    expect(Array.from(f.values)).toEqual([0, 0, 0, 0]);
    // [1, 1, 3, 1]: one RGB pixel.
    const rgb = normalizeFilters([0.1, -0.2, 0.4], [1, 1, 3, 1], 'shared');
    expect(Array.from(rgb.values)).toEqual([0.25, -0.5, 1].map((v) => Math.fround(v)));
    expect(() => normalizeFilters([1, 2, 3], shape, 'shared')).toThrow(RangeError);
  });

  it('weight statistics per filter', () => {
    const [a, b] = filterStats(kernel, shape);
    expect(a).toMatchObject({ mean: -0.5, min: -2, max: 1 });
    expect(a!.std).toBeCloseTo(1.5);
    expect(a!.norm).toBeCloseTo(Math.sqrt(5));
    expect(b).toMatchObject({ mean: 0.375, min: 0.25, max: 0.5 });
  });
});

describe('histogram', () => {
  it('bins [lo + i·w, lo + (i+1)·w): a value on an inner edge goes up, hi itself into the last bin', () => {
    const h = histogram([0, 0.25, 0.5, 0.749, 0.75, 1], 0, 1, 4);
    expect(Array.from(h.counts)).toEqual([1, 1, 2, 2]);
    expect(h.below + h.above + h.nan).toBe(0);
  });

  it('counts out-of-range values (infinities included) and NaN apart from the bins', () => {
    const h = histogram([-0.001, 1.001, -Infinity, Infinity, NaN, NaN, 0.5], 0, 1, 2);
    expect(Array.from(h.counts)).toEqual([0, 1]);
    expect(h).toMatchObject({ below: 2, above: 2, nan: 2 });
  });

  it('a value just below hi never lands past the last bin; empty or bad ranges are refused', () => {
    const hi = 0.3;
    const h = histogram([hi - Number.EPSILON / 8, hi], 0.1, hi, 3);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(2);
    expect(() => histogram([1], 1, 1, 4)).toThrow(RangeError);
    expect(() => histogram([1], 0, NaN, 4)).toThrow(RangeError);
    expect(() => histogram([1], 0, 1, 0)).toThrow(RangeError);
  });

  it('valueRange spans several arrays, ignores NaN/∞, widens a constant, defaults when empty', () => {
    expect(
      valueRange([
        [1, 2],
        [-3, NaN, Infinity],
      ]),
    ).toEqual({ lo: -3, hi: 2 });
    expect(valueRange([[0.5, 0.5]])).toEqual({ lo: 0, hi: 1 });
    expect(valueRange([[], [NaN]])).toEqual({ lo: -1, hi: 1 });
  });

  it('moments: mean, population std, min, max, share of exact zeros', () => {
    const m = moments([0, 0, 2, 6]);
    expect(m).toMatchObject({ mean: 2, min: 0, max: 6, zeros: 0.5 });
    expect(m.std).toBeCloseTo(Math.sqrt(6));
    expect(moments([]).mean).toBeNaN();
  });
});

describe('MNIST-style drawing preprocessing', () => {
  const W = 280;
  /** A canvas with full ink in the rectangle [x0, x0+w) × [y0, y0+h). */
  const canvas = (rects: [number, number, number, number][]) => {
    const ink = new Uint8Array(W * W);
    for (const [x0, y0, w, h] of rects) for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) ink[y * W + x] = 255;
    return ink;
  };
  const box = (img: Uint8Array) => {
    let x0 = 99,
      x1 = -1,
      y0 = 99,
      y1 = -1;
    for (let y = 0; y < MNIST_SIZE; y++)
      for (let x = 0; x < MNIST_SIZE; x++)
        if (img[y * MNIST_SIZE + x]! > 0) {
          x0 = Math.min(x0, x);
          x1 = Math.max(x1, x);
          y0 = Math.min(y0, y);
          y1 = Math.max(y1, y);
        }
    return { w: x1 - x0 + 1, h: y1 - y0 + 1 };
  };

  it('scales the bounding box to 20 px on its long side, aspect kept, wherever it was drawn', () => {
    const img = mnistStyle(canvas([[10, 150, 60, 120]]), W, W)!;
    expect(img).toHaveLength(784);
    expect(box(img)).toEqual({ w: 10, h: 20 });
    expect(Math.max(...img)).toBe(255);
  });

  it('centres the centre of mass in the 28×28 field (not the bounding box)', () => {
    // An "L": a tall bar with a heavy foot: its centre of mass is low and left of the box centre.
    const img = mnistStyle(
      canvas([
        [200, 20, 20, 200],
        [200, 180, 70, 40],
      ]),
      W,
      W,
    )!;
    const c = centreOfMass(img, MNIST_SIZE)!;
    expect(Math.abs(c.x - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(c.y - 14)).toBeLessThanOrEqual(0.5);
    expect(box(img).h).toBe(20);
  });

  it('area-averages: a thin stroke comes out grey, not dropped; a blank canvas gives null', () => {
    // A 1-px wide line 200 px tall scales by 0.1: it keeps a column of partial ink.
    const img = mnistStyle(
      canvas([
        [100, 40, 2, 200],
        [100, 40, 20, 1],
      ]),
      W,
      W,
    )!;
    const values = Array.from(img).filter((v) => v > 0);
    expect(values.some((v) => v < 255)).toBe(true);
    expect(mnistStyle(new Uint8Array(W * W), W, W)).toBeNull();
  });

  it('a single dot becomes a small centred blob', () => {
    const img = mnistStyle(canvas([[5, 5, 3, 3]]), W, W)!;
    const c = centreOfMass(img, MNIST_SIZE)!;
    expect(Math.abs(c.x - 14)).toBeLessThanOrEqual(0.5);
    expect(box(img)).toEqual({ w: 20, h: 20 });
  });
});
