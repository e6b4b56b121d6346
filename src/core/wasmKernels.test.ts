/**
 * The wasm training kernels against the cpu backend, which is the reference: same inputs on both,
 * results must agree to float32 rounding. Also checks that nothing leaks, at the engine level
 * (`numTensors`) and inside the wasm backend (`numDataIds`, which also sees the kernels' own
 * intermediates that the engine never hears about).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerWasmTrainingKernels, restoreShippedWasmKernels } from './wasmKernels';

type Pad = 'same' | 'valid' | number | [[0, 0], [number, number], [number, number], [0, 0]];

/** Deterministic values in [-1, 1) (xorshift), so both backends see identical inputs. */
function values(n: number, seed: number): Float32Array {
  let s = (seed * 2654435761) >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 2 ** 32) * 2 - 1;
  }
  return out;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const make = (shape: number[], seed: number) => tf.tensor(values(size(shape), seed), shape);

/** Runs `f` on a backend and reads its result(s) back as plain arrays. */
async function on(backend: 'wasm' | 'cpu', f: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  expect(await tf.setBackend(backend)).toBe(true);
  const out = tf.tidy(f);
  const list = Array.isArray(out) ? out : [out];
  const data = await Promise.all(list.map(async (t) => Float32Array.from(await t.data())));
  tf.dispose(list);
  return data;
}

/** max |a − b| / max |b|: the error relative to the result's scale. */
function relError(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return den === 0 ? num : num / den;
}

async function expectSameOnBoth(f: () => tf.Tensor | tf.Tensor[], tolerance = 1e-5): Promise<void> {
  const wasm = await on('wasm', f);
  const cpu = await on('cpu', f);
  expect(wasm.length).toBe(cpu.length);
  wasm.forEach((w, i) => expect(relError(w, cpu[i]!), `output ${i}`).toBeLessThan(tolerance));
}

/**
 * Asserts that running `f` (in a tidy, its result disposed) leaves nothing behind on wasm: no engine
 * tensor, and no backend buffer — the kernels' intermediates are invisible to tidy, so a kernel that
 * forgot one shows up only in `numDataIds`.
 */
async function expectNoLeak(f: () => tf.TensorContainer): Promise<void> {
  expect(await tf.setBackend('wasm')).toBe(true);
  const run = () => tf.dispose(tf.tidy(f));
  run(); // warm-up: first calls may create lasting state (e.g. kernel setup)
  const tensors = tf.memory().numTensors;
  const buffers = tf.engine().backend.numDataIds();
  run();
  expect(tf.memory().numTensors).toBe(tensors);
  expect(tf.engine().backend.numDataIds()).toBe(buffers);
}

const conv = (x: tf.Tensor4D, f: tf.Tensor4D, strides: number, pad: Pad, dimRoundingMode?: 'floor' | 'round' | 'ceil') =>
  tf.conv2d(x, f, strides, pad, 'NHWC', 1, dimRoundingMode);

/** dW through the public gradient API, so attrs are exactly what tfjs passes in training. */
const filterGrad = (xs: number[], fs: number[], strides: number, pad: Pad, dimRoundingMode?: 'floor' | 'round' | 'ceil') => () => {
  const x = make(xs, 1) as tf.Tensor4D;
  const g = tf.grad((f: tf.Tensor) =>
    conv(x, f as tf.Tensor4D, strides, pad, dimRoundingMode)
      .mul(make(conv(x, f as tf.Tensor4D, strides, pad, dimRoundingMode).shape, 3))
      .sum(),
  );
  return g(make(fs, 2));
};

const inputGrad = (xs: number[], fs: number[], strides: number, pad: Pad) => () => {
  const f = make(fs, 2) as tf.Tensor4D;
  const g = tf.grad((x: tf.Tensor) =>
    conv(x as tf.Tensor4D, f, strides, pad)
      .mul(make(conv(x as tf.Tensor4D, f, strides, pad).shape, 3))
      .sum(),
  );
  return g(make(xs, 1));
};

/** batch × channels × kernel × stride × padding, with the filter count cycling through 2..16. */
const CONV_CASES = (() => {
  const cases: { xs: number[]; fs: number[]; strides: number; pad: Pad }[] = [];
  const filterCounts = [2, 6, 16, 3];
  let i = 0;
  for (const batch of [1, 7])
    for (const channels of [1, 3])
      for (const k of [3, 5])
        for (const strides of [1, 2])
          for (const pad of ['same', 'valid'] as const) {
            const h = 9 + (i % 3);
            const w = 11 - (i % 2);
            cases.push({ xs: [batch, h, w, channels], fs: [k, k, channels, filterCounts[i++ % filterCounts.length]!], strides, pad });
          }
  // Explicit padding (symmetric number, per-side arrays, pads larger than the kernel).
  cases.push({ xs: [2, 10, 10, 2], fs: [3, 3, 2, 3], strides: 2, pad: 1 });
  cases.push({
    xs: [3, 7, 8, 2],
    fs: [3, 3, 2, 5],
    strides: 1,
    pad: [
      [0, 0],
      [2, 1],
      [0, 3],
      [0, 0],
    ],
  });
  cases.push({
    xs: [2, 6, 6, 1],
    fs: [3, 3, 1, 4],
    strides: 2,
    pad: [
      [0, 0],
      [4, 0],
      [1, 4],
      [0, 0],
    ],
  });
  // Stride 3 that does not divide the input: the last rows are never read.
  cases.push({ xs: [2, 12, 13, 1], fs: [5, 5, 1, 6], strides: 3, pad: 'valid' });
  // LeNet-5's two convolutions.
  cases.push({ xs: [4, 28, 28, 1], fs: [5, 5, 1, 6], strides: 1, pad: 'same' });
  cases.push({ xs: [4, 14, 14, 6], fs: [5, 5, 6, 16], strides: 1, pad: 'valid' });
  // Classic LeNet-5's C1 (32×32 input) and C5 (1×1 output, so dx goes through col2im).
  cases.push({ xs: [4, 32, 32, 1], fs: [5, 5, 1, 6], strides: 1, pad: 'valid' });
  cases.push({ xs: [4, 5, 5, 16], fs: [5, 5, 16, 120], strides: 1, pad: 'valid' });
  return cases;
})();

const label = (c: { xs: number[]; fs: number[]; strides: number; pad: Pad }) =>
  `x ${c.xs.join('×')} f ${c.fs.join('×')} s${c.strides} ${JSON.stringify(c.pad)}`;

beforeAll(async () => {
  registerWasmTrainingKernels();
  expect(await tf.setBackend('wasm')).toBe(true);
  expect(tf.getBackend()).toBe('wasm');
});

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('registerWasmTrainingKernels', () => {
  it('provides Conv2DBackpropFilter on wasm and is idempotent without warnings', () => {
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    const warn = vi.spyOn(console, 'warn');
    const before = ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'MaxPoolGrad', 'BatchMatMul'].map(
      (k) => tf.getKernel(k, 'wasm')?.kernelFunc,
    );
    registerWasmTrainingKernels();
    registerWasmTrainingKernels();
    const after = ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'MaxPoolGrad', 'BatchMatMul'].map(
      (k) => tf.getKernel(k, 'wasm')?.kernelFunc,
    );
    expect(after).toEqual(before);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });

  it('rejects NCHW clearly instead of computing garbage', async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    const x = make([1, 2, 5, 5], 1);
    const dy = make([1, 3, 3, 3], 2);
    expect(() =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'valid', dataFormat: 'NCHW', filterShape: [3, 3, 2, 3] }),
    ).toThrow(/NHWC/);
    tf.dispose([x, dy]);
  });
});

describe('Conv2DBackpropFilter matches the cpu backend', () => {
  it.each(CONV_CASES.map((c) => [label(c), c] as const))('%s', async (_, c) => {
    await expectSameOnBoth(filterGrad(c.xs, c.fs, c.strides, c.pad));
  });

  it('with dimRoundingMode and a numeric pad', async () => {
    await expectSameOnBoth(filterGrad([2, 9, 9, 2], [3, 3, 2, 4], 2, 1, 'ceil'));
    await expectSameOnBoth(filterGrad([2, 10, 9, 2], [4, 4, 2, 4], 3, 1, 'floor'));
  });

  it('leaks nothing', async () => {
    for (const c of CONV_CASES.slice(-6)) await expectNoLeak(filterGrad(c.xs, c.fs, c.strides, c.pad));
  });
});

describe('Conv2DBackpropInput matches the cpu backend', () => {
  it.each(CONV_CASES.map((c) => [label(c), c] as const))('%s', async (_, c) => {
    await expectSameOnBoth(inputGrad(c.xs, c.fs, c.strides, c.pad));
  });

  it('leaks nothing', async () => {
    for (const c of CONV_CASES.slice(-6)) await expectNoLeak(inputGrad(c.xs, c.fs, c.strides, c.pad));
  });
});

describe('pooling gradients match the cpu backend', () => {
  const POOLS: [number[], number, number, 'same' | 'valid'][] = [
    [[2, 4, 4, 1], 2, 2, 'valid'],
    [[3, 9, 7, 5], 3, 2, 'same'],
    [[2, 8, 8, 3], 3, 1, 'same'],
    [[2, 7, 7, 2], 2, 2, 'valid'],
    [[4, 28, 28, 6], 2, 2, 'valid'],
    [[2, 7, 7, 2], 2, 2, 'same'],
    [[2, 10, 10, 16], 2, 2, 'same'],
  ];
  const poolGrad =
    (pool: 'maxPool' | 'avgPool', xs: number[], f: number, s: number, pad: 'same' | 'valid', shift = 0) =>
    () =>
      tf.grad((x: tf.Tensor) => {
        const y = tf[pool](x as tf.Tensor4D, f, s, pad);
        return y.mul(make(y.shape, 5)).sum();
      })(make(xs, 1).add(shift));

  it.each(POOLS)('maxPool %j f%i s%i %s', async (xs, f, s, pad) => {
    await expectSameOnBoth(poolGrad('maxPool', xs, f, s, pad));
    // Every window ≤ 0: the shipped wasm kernel dropped these gradients entirely.
    await expectSameOnBoth(poolGrad('maxPool', xs, f, s, pad, -2));
    // After a ReLU many windows are all zeros: ties go to the window's first pixel on both.
    await expectSameOnBoth(() =>
      tf.grad((x: tf.Tensor) => {
        const y = tf.maxPool(tf.relu(x) as tf.Tensor4D, f, s, pad);
        return y.mul(make(y.shape, 5)).sum();
      })(make(xs, 1).sub(0.6)),
    );
  });

  it.each(POOLS)('avgPool %j f%i s%i %s', async (xs, f, s, pad) => {
    await expectSameOnBoth(poolGrad('avgPool', xs, f, s, pad));
  });

  it('leaks nothing', async () => {
    await expectNoLeak(poolGrad('maxPool', [2, 8, 8, 3], 3, 2, 'same'));
    await expectNoLeak(poolGrad('avgPool', [2, 8, 8, 3], 3, 2, 'same'));
  });
});

describe('sum over the batch and spatial axes (a bias gradient) matches the cpu backend', () => {
  const SHAPES = [
    [1, 2, 1, 3],
    [2, 5, 7, 1],
    [3, 9, 11, 4],
    [64, 28, 28, 6],
    [64, 10, 10, 16],
  ];
  it.each(SHAPES)('[%i,%i,%i,%i]', async (...shape) => {
    await expectSameOnBoth(() => tf.sum(make(shape, 1), [0, 1, 2]));
    await expectSameOnBoth(() => tf.sum(make(shape, 2), [2, 0, 1], true));
    // Negative axes, and a large offset (the values far from zero, the sum's error relative to it).
    await expectSameOnBoth(() => tf.sum(make(shape, 3).add(100), [-4, -3, -2]));
  });

  it('other reductions and dtypes give the shipped results', async () => {
    await expectSameOnBoth(() => [
      tf.sum(make([3, 4, 5, 2], 1), [1, 2]),
      tf.sum(make([3, 4, 5, 2], 1), [0]),
      tf.sum(make([3, 4, 5, 2], 1)),
      tf.sum(make([6, 7], 1), 0),
      tf.sum(tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 1, 2], 'int32'), [0, 1, 2]),
    ]);
    // A bias gradient through the public gradient API, as training computes it.
    await expectSameOnBoth(() =>
      tf.grad((b: tf.Tensor) =>
        tf
          .add(make([4, 6, 6, 3], 1), b)
          .square()
          .sum(),
      )(make([3], 2)),
    );
  });

  it('is exact where the values are', async () => {
    const [sums] = await on('wasm', () => tf.sum(tf.ones([8, 4, 4, 2]), [0, 1, 2]));
    expect(Array.from(sums!)).toEqual([128, 128]);
  });

  it('leaks nothing', async () => {
    await expectNoLeak(() => tf.sum(make([3, 5, 5, 2], 1), [0, 1, 2]));
    await expectNoLeak(() => tf.sum(make([3, 5, 5, 2], 1), [0, 1, 2], true));
  });
});

describe('add of a last-axis bias matches the cpu backend bit for bit', () => {
  /** Runs `f` on both backends and expects identical bits (one float32 rounding per sum on each). */
  async function expectIdentical(f: () => tf.Tensor | tf.Tensor[]): Promise<void> {
    const wasm = await on('wasm', f);
    const cpu = await on('cpu', f);
    expect(wasm.map((w) => Array.from(w))).toEqual(cpu.map((c) => Array.from(c)));
  }

  it.each([
    [[64, 28, 28, 6], [6]],
    [[64, 10, 10, 16], [16]],
    [
      [3, 5, 7, 6],
      [1, 1, 1, 6],
    ],
    [
      [2, 7, 3],
      [1, 3],
    ],
    // Rows that no k > 1 divides within the row target (a prime above it): the shipped kernel.
    [[1, 1, 67, 4], [4]],
    [[7, 2], [2]],
  ])('x %j + bias %j, either operand first', async (xs, bs) => {
    await expectIdentical(() => [tf.add(make(xs, 1), make(bs, 2)), tf.add(make(bs, 3), make(xs, 4).mul(1000))]);
  });

  it("tiles the bias for a conv layer's bias add, and only where a row can be widened", async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    const tile = vi.spyOn(tf.getKernel('Tile', 'wasm'), 'kernelFunc');
    tf.tidy(() => tf.add(make([8, 28, 28, 6], 1), make([6], 2)));
    expect(tile).toHaveBeenCalledTimes(1);
    // 8·28·28 = 6,272 = 2⁷·7² rows: the largest divisor up to 256/6 = 42 is 32.
    expect(tile.mock.calls[0]![0].attrs).toEqual({ reps: [32] });
    tf.tidy(() => tf.add(make([1, 1, 67, 4], 1), make([4], 2)));
    tf.tidy(() => tf.add(make([4, 5, 6], 1), make([4, 5, 6], 2)));
    expect(tile).toHaveBeenCalledTimes(1);
    tile.mockRestore();
  });

  it('gives the shipped results for every other add', async () => {
    await expectIdentical(() => [
      tf.add(make([4, 5, 6], 1), make([4, 5, 6], 2)),
      tf.add(make([4, 5, 6], 1), make([5, 1], 2)),
      tf.add(make([4, 5, 6], 1), make([1, 1, 1, 6], 2)),
      tf.add(make([6], 1), make([6], 2)),
      tf.add(make([3, 300], 1), make([300], 2)),
      tf.add(make([3, 4], 1), tf.scalar(2)),
      tf.add(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), tf.tensor1d([5, 6], 'int32')),
    ]);
    const [shape] = await on('wasm', () => tf.tensor1d(tf.add(make([2, 3, 6], 1), make([6], 2)).shape));
    expect(Array.from(shape!)).toEqual([2, 3, 6]);
  });

  it('leaks nothing', async () => {
    await expectNoLeak(() => tf.add(make([4, 8, 8, 6], 1), make([6], 2)));
    await expectNoLeak(() => tf.add(make([6], 2), make([4, 8, 8, 6], 1)));
  });
});

describe('tanh matches the cpu backend', () => {
  it('to ~1e-7 absolute, including tiny, huge and NaN inputs', async () => {
    const input = () => tf.concat([make([2000], 9).mul(6), tf.tensor1d([0, 1e-7, -1e-7, 1e-30, 20, -20, 1e4, -1e4])]);
    const [wasm] = await on('wasm', () => tf.tanh(input()));
    const [cpu] = await on('cpu', () => tf.tanh(input()));
    for (let i = 0; i < cpu!.length; i++) expect(Math.abs(wasm![i]! - cpu![i]!)).toBeLessThan(2.5e-7);
    const [nan] = await on('wasm', () => tf.tanh(tf.tensor1d([NaN])));
    expect(Number.isNaN(nan![0])).toBe(true);
  });

  it('leaks nothing', async () => {
    await expectNoLeak(() => tf.tanh(make([3, 5], 1)));
  });
});

describe('matMul with transposes matches the cpu backend', () => {
  const CASES: [number[], number[], boolean, boolean][] = [
    [[5, 7], [7, 3], false, false],
    [[7, 5], [7, 3], true, false],
    [[5, 7], [3, 7], false, true],
    [[7, 5], [3, 7], true, true],
    [[1, 7, 5], [1, 3, 7], true, true],
    [[2, 7, 5], [2, 7, 3], true, false],
    [[1, 1, 7, 5], [3, 7], true, true],
    [[64, 400], [64, 120], true, false],
  ];
  it.each(CASES)('%j × %j tA=%s tB=%s', async (sa, sb, ta, tb) => {
    await expectSameOnBoth(() => tf.matMul(make(sa, 1), make(sb, 2), ta, tb));
    const unbatched = sa.slice(0, -2).every((d) => d === 1) && sb.slice(0, -2).every((d) => d === 1);
    // The shipped batched (non-XNNPACK) fused path adds the bias wrongly; only the unbatched one is ours.
    if (unbatched) {
      const n = tb ? sb[sb.length - 2]! : sb[sb.length - 1]!;
      await expectSameOnBoth(() =>
        tf.fused.matMul({ a: make(sa, 1), b: make(sb, 2), transposeA: ta, transposeB: tb, bias: make([n], 4), activation: 'relu' }),
      );
    }
  });

  it('leaks nothing', async () => {
    await expectNoLeak(() => tf.matMul(make([7, 5], 1), make([3, 7], 2), true, true));
  });
});

describe('Identity and same-dtype Cast share the buffer instead of copying it', () => {
  it('a clone or cast survives the original, and nothing leaks', async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    const buffers = tf.engine().backend.numDataIds();
    const x = tf.tensor1d([1, -2, 3]);
    const copies = [tf.clone(x), tf.cast(x, 'float32')];
    expect(tf.engine().backend.numDataIds()).toBe(buffers + 1); // one buffer, three tensors
    x.dispose();
    for (const c of copies) expect(Array.from(await c.data())).toEqual([1, -2, 3]);
    tf.dispose(copies);
    expect(tf.engine().backend.numDataIds()).toBe(buffers);
  });

  it('a cast to another dtype still converts', async () => {
    const [f] = await on('wasm', () => tf.cast(tf.tensor1d([1.7, -2.2, 0]), 'int32'));
    expect(Array.from(f!)).toEqual([1, -2, 0]);
    const [i] = await on('wasm', () => tf.cast(tf.tensor1d([3, -1], 'int32'), 'float32'));
    expect(Array.from(i!)).toEqual([3, -1]);
    // The shipped kernel gave [0, 2, 255] here.
    for (const dtype of ['int32', 'float32'] as const) {
      const [b] = await on('wasm', () => tf.cast(tf.tensor1d([0, 2, -1, 0.5], dtype), 'bool'));
      expect(Array.from(b!)).toEqual([0, 1, 1, 1].map((v, k) => (dtype === 'int32' && k === 3 ? 0 : v)));
    }
  });

  it('gradients through saved (cloned) inputs are unchanged', async () => {
    await expectSameOnBoth(() => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.relu(v), v)))(make([4, 6], 5)));
  });
});

/** A small conv net with every layer kind LeNet-5 uses; params are plain arrays so both backends start equal. */
function smallNetLoss(params: tf.Tensor[], x: tf.Tensor4D, labels: tf.Tensor2D): tf.Scalar {
  const [c1, b1, c2, b2, c3, d1, db1, d2] = params as [
    tf.Tensor4D,
    tf.Tensor1D,
    tf.Tensor4D,
    tf.Tensor1D,
    tf.Tensor4D,
    tf.Tensor2D,
    tf.Tensor1D,
    tf.Tensor2D,
  ];
  let h: tf.Tensor4D = tf.relu(tf.conv2d(x, c1, 1, 'same').add<tf.Tensor4D>(b1));
  h = tf.maxPool(h, 2, 2, 'valid'); // 6×6
  h = tf.tanh(tf.conv2d(h, c2, 1, 'valid').add<tf.Tensor4D>(b2)); // 4×4
  h = tf.maxPool(h, 2, 2, 'valid'); // 2×2, pools tanh values: windows can be all negative
  h = tf.elu(tf.conv2d(h, c3, 2, 'same')); // 1×1, strided
  const flat = h.reshape([x.shape[0], -1]);
  const z = tf.leakyRelu(tf.matMul(flat, d1).add(db1), 0.1);
  const logits = tf.sigmoid(z).matMul(d2);
  return tf.losses.softmaxCrossEntropy<tf.Tensor, tf.Scalar>(labels, logits);
}

const NET_SHAPES = [[3, 3, 1, 4], [4], [3, 3, 4, 6], [6], [2, 2, 6, 8], [8, 10], [10], [10, 5]];

describe('a small conv net trains identically on wasm and cpu', () => {
  const batch = 6;
  const x = () => make([batch, 12, 12, 1], 11) as tf.Tensor4D;
  const labels = () => tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 0], 'int32'), 5) as tf.Tensor2D;

  it('gradients of every parameter', async () => {
    const grads = () => {
      const params = NET_SHAPES.map((s, i) => make(s, 100 + i).mul(0.5));
      const f = tf.grads((...p: tf.Tensor[]) => smallNetLoss(p, x(), labels()));
      return f(params);
    };
    await expectSameOnBoth(grads, 1e-4);
  });

  it('three optimizer steps (Adam) and the batch-norm / dropout path, without leaks', async () => {
    const train = () => {
      const vars = NET_SHAPES.map((s, i) => tf.variable(make(s, 100 + i).mul(0.5)));
      const opt = tf.train.adam(0.01);
      const losses: tf.Tensor[] = [];
      for (let i = 0; i < 3; i++) {
        losses.push(opt.minimize(() => smallNetLoss(vars, x(), labels()), true) as tf.Scalar);
      }
      // Batch norm + dropout gradients (rate 0 keeps it deterministic but runs the same kernels).
      const bn = tf.grads((v: tf.Tensor, offset: tf.Tensor, scale: tf.Tensor) => {
        const { mean, variance } = tf.moments(v, [0, 1, 2]);
        return tf
          .dropout(tf.batchNorm(v, mean, variance, offset, scale, 1e-3), 0)
          .square()
          .mul(make([2, 3, 3, 4], 9))
          .sum();
      })([make([2, 3, 3, 4], 7), make([4], 8), make([4], 10)]);
      const out = [...losses, ...vars.map((v) => v.clone()), ...bn];
      opt.dispose();
      tf.dispose(vars);
      return out;
    };
    await expectSameOnBoth(train, 1e-4);
    await expectNoLeak(train);
  });

  it('a tf.layers LeNet-5 (fused conv/dense layers) fits identically', async () => {
    const fit = () => {
      const model = tf.sequential();
      model.add(
        tf.layers.conv2d({
          inputShape: [12, 12, 1],
          filters: 6,
          kernelSize: 5,
          padding: 'same',
          activation: 'relu',
          kernelInitializer: 'ones',
        }),
      );
      model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
      model.add(tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'valid', activation: 'tanh', kernelInitializer: 'ones' }));
      model.add(tf.layers.averagePooling2d({ poolSize: 2 }));
      model.add(tf.layers.flatten());
      model.add(tf.layers.dense({ units: 12, activation: 'relu', kernelInitializer: 'ones' }));
      model.add(tf.layers.dense({ units: 5, kernelInitializer: 'ones' }));
      model.setWeights(model.getWeights().map((w, i) => make(w.shape, 200 + i).mul(0.3)));
      const opt = tf.train.momentum(0.05, 0.9);
      const losses: tf.Tensor[] = [];
      for (let i = 0; i < 3; i++)
        losses.push(
          opt.minimize(() => tf.losses.softmaxCrossEntropy<tf.Tensor, tf.Scalar>(labels(), model.apply(x()) as tf.Tensor), true)!,
        );
      const out = [...losses, ...model.getWeights().map((w) => w.clone())];
      model.dispose();
      opt.dispose();
      return out;
    };
    await expectSameOnBoth(fit, 1e-4);
  });
});

describe("the benchmark's before/after switch", () => {
  it('restores the shipped kernels but keeps Conv2DBackpropFilter, and the replacements come back', async () => {
    const names = ['Conv2DBackpropInput', 'MaxPoolGrad', 'Tanh', 'BatchMatMul', 'Identity', 'Cast'];
    const ours = names.map((k) => tf.getKernel(k, 'wasm')?.kernelFunc);
    const filter = tf.getKernel('Conv2DBackpropFilter', 'wasm')?.kernelFunc;
    restoreShippedWasmKernels();
    try {
      const shipped = names.map((k) => tf.getKernel(k, 'wasm')?.kernelFunc);
      shipped.forEach((f, i) => {
        expect(f).toBeDefined();
        expect(f).not.toBe(ours[i]);
      });
      expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')?.kernelFunc).toBe(filter);
      // The shipped kernels still run (their C functions stay bound).
      expect(await tf.setBackend('wasm')).toBe(true);
      const y = tf.tanh(tf.tensor1d([0, 1]));
      expect(Array.from(await y.data())[1]).toBeCloseTo(Math.tanh(1), 5);
      y.dispose();
    } finally {
      registerWasmTrainingKernels();
    }
    expect(names.map((k) => tf.getKernel(k, 'wasm')?.kernelFunc)).toEqual(ours);
  });
});
