/**
 * Training kernels for the tfjs WASM backend.
 *
 * @tensorflow/tfjs-backend-wasm 4.22 registers no `Conv2DBackpropFilter`, so the weight gradient of
 * any conv layer throws "Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'". Several
 * kernels it does ship are scalar C loops or generic templates that dominate a LeNet-5 step, and
 * one is wrong. Registered here (each checked against the cpu backend in wasmKernels.test.ts):
 *
 * - Conv2DBackpropFilter (missing): one XNNPACK Conv2D with batch and channels swapped.
 * - Conv2DBackpropInput (scalar loop, and wasted work on padding): XNNPACK convolution, or a
 *   matrix product plus col2im where dy is much smaller than x.
 * - MaxPoolGrad (drops the gradient of windows whose values are all ≤ 0), AvgPoolGrad (slow):
 *   plain loops over the wasm heap.
 * - Tanh (libm per element): via XNNPACK's Sigmoid.
 * - Sum over the batch and spatial axes of NHWC (a conv bias gradient; transpose + scalar loop):
 *   XNNPACK's average pool per image, then a small sum.
 * - Add of a bias along the last axis (its broadcast loop runs per pixel over c values): the same
 *   add over rows of k·c values, with the bias tiled k times.
 * - BatchMatMul / _FusedMatMul with a transpose flag (scalar fallback): explicit transpose, then
 *   the XNNPACK path.
 * - Identity and same-dtype Cast (copy the buffer): share it, as Reshape does; Cast to bool (keeps
 *   the values instead of x ≠ 0): a loop.
 *
 * Kernels are built from the backend's own kernel functions (Transpose, Reshape, PadV2, Reverse,
 * Slice, Conv2D, …), called on the backend directly: `tf.engine().runKernel` would create engine
 * tensors in the caller's scope, whereas direct calls return bare `TensorInfo`s that are freed here
 * with `backend.disposeData`, so a kernel leaves only its output.
 *
 * Everything else LeNet-5 training uses (relu/sigmoid/elu/leaky-relu and their gradients, softmax
 * cross-entropy, batch norm, dropout, the optimizers) ships with the backend and works; the unit
 * tests train such networks on wasm to keep it so. Known upstream bugs left alone because nothing
 * here uses them: batched (rank-3, batch > 1) `_FusedMatMul` with a bias adds it wrongly, and
 * `MaxPoolWithArgmax` has the same ≤ 0 bug as MaxPoolGrad.
 */
import * as tf from '@tensorflow/tfjs';
// Side effect: registers the 'wasm' backend and its kernels, which the kernels below call.
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type Shape4 = [number, number, number, number];
type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
type RoundingMode = 'floor' | 'round' | 'ceil' | undefined;
type Step = (t: tf.TensorInfo) => tf.TensorInfo | null;

const BACKEND = 'wasm';

/** Calls another wasm kernel directly. The caller owns (and must free) what it returns. */
function call(backend: BackendWasm, kernelName: string, inputs: tf.NamedTensorInfoMap, attrs: object = {}): tf.TensorInfo {
  const kernel = tf.getKernel(kernelName, BACKEND);
  if (!kernel) throw new Error(`wasm backend has no '${kernelName}' kernel`);
  return kernel.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
}

/**
 * Feeds `input` through `steps` (a step returning null is skipped), freeing each intermediate as
 * soon as the next one exists, and on a throw too. `input` itself is never freed.
 */
function chain(backend: BackendWasm, input: tf.TensorInfo, steps: readonly Step[]): tf.TensorInfo {
  let current = input;
  try {
    for (const step of steps) {
      const next = step(current);
      if (next === null) continue;
      if (current !== input) backend.disposeData(current.dataId);
      current = next;
    }
  } catch (e) {
    if (current !== input) backend.disposeData(current.dataId);
    throw e;
  }
  // Never hand the caller's own input back as an output: the engine would free it twice.
  return current === input ? call(backend, 'Identity', { x: input }) : current;
}

const reshape = (backend: BackendWasm, x: tf.TensorInfo, shape: number[]) => call(backend, 'Reshape', { x }, { shape });
const transpose = (backend: BackendWasm, x: tf.TensorInfo, perm: number[]) => call(backend, 'Transpose', { x }, { perm });

/**
 * Stride-1 XNNPACK convolution (or depthwise convolution) of NHWC `x` with `filter`. Padding is
 * given per side; negative amounts mean the input is too long there, which is handled by cropping
 * the (smaller) output rather than copying the input.
 */
function convCropped(
  backend: BackendWasm,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  pads: { top: number; bottom: number; left: number; right: number },
  dilations: [number, number],
  outH: number,
  outW: number,
  kernel: 'Conv2D' | 'DepthwiseConv2dNative' = 'Conv2D',
): tf.TensorInfo {
  const p = (v: number) => Math.max(0, v);
  const conv = call(
    backend,
    kernel,
    { x, filter },
    {
      strides: [1, 1],
      pad: [
        [0, 0],
        [p(pads.top), p(pads.bottom)],
        [p(pads.left), p(pads.right)],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dilations,
    },
  );
  const [n, h, w, c] = conv.shape as Shape4;
  if (h === outH && w === outW) return conv;
  // Only a negative bottom/right can make the result larger; what lies past it was never read.
  const top = Math.max(0, -pads.top);
  const left = Math.max(0, -pads.left);
  try {
    return call(backend, 'Slice', { x: conv }, { begin: [0, top, left, 0], size: [n, outH, outW, c] });
  } finally {
    backend.disposeData(conv.dataId);
  }
}

function assertNhwc(kernel: string, dataFormat: unknown): void {
  if (dataFormat != null && dataFormat !== 'NHWC') {
    throw new Error(`${kernel} on wasm supports dataFormat 'NHWC' only, got ${JSON.stringify(dataFormat)}`);
  }
}

/**
 * Top/left padding and strides of the forward convolution. Bottom/right padding is derived from
 * dy's actual shape instead: the gradient functions do not pass `dimRoundingMode` on, so dy's shape
 * is the only reliable record of how many rows the forward pass produced.
 */
function forwardGeometry(xShape: Shape4, filterShape: Shape4, strides: number | [number, number], pad: Pad, dimRoundingMode: RoundingMode) {
  const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  return { top: info.padInfo.top, left: info.padInfo.left, sh: info.strideHeight, sw: info.strideWidth };
}

interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}

/**
 * dW[kh,kw,ci,co] = Σ_{b,oh,ow} x[b, oh·sh+kh−top, ow·sw+kw−left, ci] · dy[b,oh,ow,co].
 *
 * Read with `ci` as the batch and `b` as the contracted channel axis, that is a stride-1
 * convolution of x (as `[ci,h,w,b]`) with dy (as an `[oh,ow,b,co]` filter dilated by the forward
 * stride), giving `[ci,kh,kw,co]`. Its padding makes the result exactly `kh×kw`.
 */
function conv2DBackpropFilter({ inputs, backend: b, attrs }: KernelArgs): tf.TensorInfo {
  const backend = b as BackendWasm;
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const a = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  assertNhwc('Conv2DBackpropFilter', a.dataFormat);
  const filterShape = a.filterShape;
  const [kh, kw, ci, co] = filterShape;
  const [, h, w] = x.shape as Shape4;
  const [, oh, ow] = dy.shape as Shape4;
  const { top, left, sh, sw } = forwardGeometry(x.shape as Shape4, filterShape, a.strides, a.pad, a.dimRoundingMode);
  const pads = { top, left, bottom: (oh - 1) * sh + kh - h - top, right: (ow - 1) * sw + kw - w - left };

  const dyFilter = transpose(backend, dy, [1, 2, 0, 3]);
  try {
    return chain(backend, x, [
      (v) => transpose(backend, v, [3, 1, 2, 0]),
      (v) => convCropped(backend, v, dyFilter, pads, [sh, sw], kh, kw),
      // With one input channel [1,kh,kw,co] already has the memory layout of [kh,kw,1,co].
      (v) => (ci === 1 ? reshape(backend, v, [kh, kw, ci, co]) : transpose(backend, v, [1, 2, 0, 3])),
    ]);
  } finally {
    backend.disposeData(dyFilter.dataId);
  }
}

/**
 * dx[b,ih,iw,ci] = Σ_{kh,kw,co} dy[b,oh,ow,co] · W[kh,kw,ci,co] with ih = oh·sh+kh−top.
 *
 * Two ways, each fastest somewhere. The convolution multiplies a full dx-sized grid of dy (mostly
 * zeros where dy is much smaller than x: strides, or 'valid' with a kernel near the input size);
 * col2im does only the real multiplications but then scatters every product in JS, ~18× dearer per
 * element than an XNNPACK multiply-add (measured). Per output element the convolution costs about
 * co·R (R = dx pixels per dy pixel) and col2im co + 18; the margin keeps LeNet-5's conv2 (co·(R−1)
 * ≈ 15) on the convolution, where that measured faster, and sends C5 (1×1 dy, ≈2,900) to col2im
 * (14× faster there).
 */
function conv2DBackpropInput(args: KernelArgs): tf.TensorInfo {
  const { dy } = args.inputs as { dy: tf.TensorInfo };
  const a = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const [, h, w] = a.inputShape;
  const [, oh, ow, co] = dy.shape as Shape4;
  const ratio = (h * w) / Math.max(1, oh * ow);
  return co * (ratio - 1) >= 24 ? col2imBackpropInput(args) : convBackpropInput(args);
}

/**
 * dx by convolution: with dy spread out by the stride (zeros between rows/columns), that is a
 * stride-1 convolution of dy with W rotated by 180° and its channel axes swapped, padded by
 * `kh−1−top` above. With one input channel XNNPACK's convolution would compute a single output
 * channel in vectors meant for many; a depthwise convolution (one output per dy channel) summed
 * over channels is ~1.5× faster there.
 */
function convBackpropInput({ inputs, backend: b, attrs }: KernelArgs): tf.TensorInfo {
  const backend = b as BackendWasm;
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const a = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  assertNhwc('Conv2DBackpropInput', a.dataFormat);
  const inputShape = a.inputShape;
  const filterShape = filter.shape as Shape4;
  const [kh, kw, ci] = filterShape;
  const [, h, w] = inputShape;
  const [n, oh, ow, co] = dy.shape as Shape4;
  const { top, left, sh, sw } = forwardGeometry(inputShape, filterShape, a.strides, a.pad, a.dimRoundingMode);
  // Rows of the spread-out dy: (oh−1)·sh+1 meaningful ones (plus sh−1 trailing zeros from the pad).
  const uh = oh * sh;
  const uw = ow * sw;
  const pads = { top: kh - 1 - top, left: kw - 1 - left, bottom: h + top - uh, right: w + left - uw };

  const depthwise = ci === 1;
  const rotated = chain(backend, filter, [
    (v) => call(backend, 'Reverse', { x: v }, { dims: [0, 1] }),
    // [kh,kw,1,co] and [kh,kw,co,1] share one memory layout.
    (v) => (depthwise ? reshape(backend, v, [kh, kw, co, 1]) : transpose(backend, v, [0, 1, 3, 2])),
  ]);
  try {
    const spread: Step[] =
      sh === 1 && sw === 1
        ? []
        : [
            (v) => reshape(backend, v, [n, oh, 1, ow, 1, co]),
            (v) =>
              call(
                backend,
                'PadV2',
                { x: v },
                {
                  paddings: [
                    [0, 0],
                    [0, 0],
                    [0, sh - 1],
                    [0, 0],
                    [0, sw - 1],
                    [0, 0],
                  ],
                  constantValue: 0,
                },
              ),
            (v) => reshape(backend, v, [n, uh, uw, co]),
          ];
    return chain(backend, dy, [
      ...spread,
      (v) => convCropped(backend, v, rotated, pads, [1, 1], h, w, depthwise ? 'DepthwiseConv2dNative' : 'Conv2D'),
      (v) => (depthwise ? call(backend, 'Sum', { x: v }, { axis: [3], keepDims: true }) : null),
    ]);
  } finally {
    backend.disposeData(rotated.dataId);
  }
}

/**
 * dx as one XNNPACK matrix product, cols = dy·Wᵀ (`[b·oh·ow, co] × [co, kh·kw·ci]`), then a scatter-add
 * of each row's `kh×kw×ci` patch into dx ("col2im"). Unlike a convolution over zero-padded and
 * zero-spread dy this does no multiplications by zero, which matter most where dy is small next to
 * the padding (LeNet-5's C5: a 1×1 dy padded to 9×9).
 */
function col2imBackpropInput({ inputs, backend: b, attrs }: KernelArgs): tf.TensorInfo {
  const backend = b as BackendWasm;
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const a = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  assertNhwc('Conv2DBackpropInput', a.dataFormat);
  const inputShape = a.inputShape;
  const [kh, kw, ci, co] = filter.shape as Shape4;
  const [n, h, w] = inputShape;
  const [, oh, ow] = dy.shape as Shape4;
  const { top, left, sh, sw } = forwardGeometry(inputShape, filter.shape as Shape4, a.strides, a.pad, a.dimRoundingMode);
  const patch = kh * kw * ci;

  const filterT = chain(backend, filter, [(v) => reshape(backend, v, [1, patch, co]), (v) => transpose(backend, v, [0, 2, 1])]);
  let cols: tf.TensorInfo;
  try {
    const dy3 = reshape(backend, dy, [1, n * oh * ow, co]);
    try {
      cols = original('BatchMatMul')({
        inputs: { a: dy3, b: filterT },
        backend,
        attrs: { transposeA: false, transposeB: false },
      }) as tf.TensorInfo;
    } finally {
      backend.disposeData(dy3.dataId);
    }
  } finally {
    backend.disposeData(filterT.dataId);
  }
  try {
    const out = backend.makeOutput(inputShape, 'float32');
    // Views only after the last allocation: growing the wasm memory detaches earlier ones.
    const dx = backend.typedArrayFromHeap(out) as Float32Array;
    const src = backend.typedArrayFromHeap(cols) as Float32Array;
    dx.fill(0);
    const rowLen = w * ci;
    let p = 0;
    for (let bi = 0; bi < n; bi++) {
      const dxBatch = bi * h * rowLen;
      for (let r = 0; r < oh; r++) {
        const r0 = r * sh - top;
        for (let q = 0; q < ow; q++, p += patch) {
          const q0 = q * sw - left;
          for (let i = 0; i < kh; i++) {
            const ih = r0 + i;
            if (ih < 0 || ih >= h) continue;
            // Columns of this patch row that land inside dx: kw offsets j with 0 ≤ q0+j < w.
            const jLo = Math.max(0, -q0);
            const jHi = Math.min(kw, w - q0);
            if (jHi <= jLo) continue;
            let d = dxBatch + ih * rowLen + (q0 + jLo) * ci;
            let s = p + (i * kw + jLo) * ci;
            const end = s + (jHi - jLo) * ci;
            while (s < end) {
              dx[d] = dx[d]! + src[s]!;
              d++;
              s++;
            }
          }
        }
      }
    }
    return out;
  } finally {
    backend.disposeData(cols.dataId);
  }
}

interface PoolGeometry {
  n: number;
  h: number;
  w: number;
  c: number;
  oh: number;
  ow: number;
  sh: number;
  sw: number;
  fh: number;
  fw: number;
  top: number;
  left: number;
}

function poolGeometry(input: tf.TensorInfo, dy: tf.TensorInfo, a: tf.AvgPoolGradAttrs & { dimRoundingMode?: RoundingMode }): PoolGeometry {
  const [n, h, w, c] = input.shape as Shape4;
  const info = tf.backend_util.computePool2DInfo([n, h, w, c], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
  const [, oh, ow] = dy.shape as Shape4;
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  return { n, h, w, c, oh, ow, sh, sw, fh, fw, top: info.padInfo.top, left: info.padInfo.left };
}

/**
 * Max-pool gradient, as a plain loop over the wasm heap.
 *
 * The shipped kernel seeds its running maximum with `numeric_limits<float>::min()` (the smallest
 * *positive* float), so a window whose values are all ≤ 0 gets no gradient at all — wrong for any
 * max pool not directly after a ReLU — and its generic pooling template is also ~4× slower than
 * this memory-bound loop. Ties go to the first maximum in window order, as on the cpu backend.
 */
function maxPoolGrad({ inputs, backend: b, attrs }: KernelArgs): tf.TensorInfo {
  const backend = b as BackendWasm;
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const { n, h, w, c, oh, ow, sh, sw, fh, fw, top, left } = poolGeometry(input, dy, attrs as unknown as tf.AvgPoolGradAttrs);
  const out = backend.makeOutput(input.shape, 'float32');
  // Views only after the last allocation: growing the wasm memory detaches earlier ones.
  const dx = backend.typedArrayFromHeap(out) as Float32Array;
  const x = backend.typedArrayFromHeap(input) as Float32Array;
  const g = backend.typedArrayFromHeap(dy) as Float32Array;
  dx.fill(0);
  if (fh === 2 && fw === 2 && sh === 2 && sw === 2 && top === 0 && left === 0 && 2 * oh <= h && 2 * ow <= w) {
    maxPoolGrad2x2(x, g, dx, n, h, w, c, oh, ow);
    return out;
  }
  let gi = 0;
  for (let bi = 0; bi < n; bi++) {
    for (let r = 0; r < oh; r++) {
      const r0 = r * sh - top;
      const rLo = Math.max(0, r0);
      const rHi = Math.min(h, r0 + fh);
      for (let q = 0; q < ow; q++) {
        const q0 = q * sw - left;
        const qLo = Math.max(0, q0);
        const qHi = Math.min(w, q0 + fw);
        for (let k = 0; k < c; k++, gi++) {
          let best = -Infinity;
          let at = -1;
          for (let i = rLo; i < rHi; i++) {
            const row = (bi * h + i) * w;
            for (let j = qLo; j < qHi; j++) {
              const p = (row + j) * c + k;
              const v = x[p]!;
              if (v > best) {
                best = v;
                at = p;
              }
            }
          }
          if (at >= 0) dx[at] = dx[at]! + g[gi]!;
        }
      }
    }
  }
  return out;
}

/**
 * The 2×2, stride-2 max pool of LeNet and most CNNs, every window inside the image: windows do not
 * overlap, so each one is four compares and one store, with no bounds or window loops. Same tie
 * rule as the general loop: the first maximum in window order wins.
 */
function maxPoolGrad2x2(
  x: Float32Array,
  g: Float32Array,
  dx: Float32Array,
  n: number,
  h: number,
  w: number,
  c: number,
  oh: number,
  ow: number,
): void {
  const row = w * c;
  let gi = 0;
  for (let bi = 0; bi < n; bi++) {
    for (let r = 0; r < oh; r++) {
      let p = (bi * h + 2 * r) * row;
      for (let q = 0; q < ow; q++, p += 2 * c) {
        for (let k = 0; k < c; k++, gi++) {
          const a = p + k;
          let at = a;
          let best = x[a]!;
          if (x[a + c]! > best) {
            best = x[a + c]!;
            at = a + c;
          }
          if (x[a + row]! > best) {
            best = x[a + row]!;
            at = a + row;
          }
          if (x[a + row + c]! > best) at = a + row + c;
          dx[at] = g[gi]!;
        }
      }
    }
  }
}

/**
 * Average-pool gradient, as a plain loop over the wasm heap: the shipped generic pooling template
 * is ~4× slower. Each window spreads dy/(fh·fw) over its in-bounds pixels, as on the cpu backend.
 */
function avgPoolGrad({ inputs, backend: b, attrs }: KernelArgs): tf.TensorInfo {
  const backend = b as BackendWasm;
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const { n, h, w, c, oh, ow, sh, sw, fh, fw, top, left } = poolGeometry(input, dy, attrs as unknown as tf.AvgPoolGradAttrs);
  const scale = 1 / (fh * fw);
  const out = backend.makeOutput(input.shape, 'float32');
  const dx = backend.typedArrayFromHeap(out) as Float32Array;
  const g = backend.typedArrayFromHeap(dy) as Float32Array;
  dx.fill(0);
  let gi = 0;
  for (let bi = 0; bi < n; bi++) {
    for (let r = 0; r < oh; r++) {
      const r0 = r * sh - top;
      const rLo = Math.max(0, r0);
      const rHi = Math.min(h, r0 + fh);
      for (let q = 0; q < ow; q++, gi += c) {
        const q0 = q * sw - left;
        const qLo = Math.max(0, q0);
        const qHi = Math.min(w, q0 + fw);
        for (let i = rLo; i < rHi; i++) {
          for (let j = qLo; j < qHi; j++) {
            const base = ((bi * h + i) * w + j) * c;
            for (let k = 0; k < c; k++) dx[base + k] = dx[base + k]! + g[gi + k]! * scale;
          }
        }
      }
    }
  }
  return out;
}

/**
 * tanh(x) = 2·sigmoid(2x) − 1. The shipped Tanh calls libm's scalar tanh per element (~20× slower
 * than XNNPACK's vectorised Sigmoid here), which made it the costliest kernel of classic LeNet-5.
 * The identity loses relative precision only near 0, where the absolute error stays ~1e-7.
 */
function tanh({ inputs, backend: b, attrs }: KernelArgs): tf.TensorInfo {
  const backend = b as BackendWasm;
  const { x } = inputs as { x: tf.TensorInfo };
  if (x.dtype !== 'float32') return original('Tanh')({ inputs, backend, attrs: attrs ?? {} }) as tf.TensorInfo;
  const doubled = call(backend, 'Add', { a: x, b: x });
  let out: tf.TensorInfo;
  try {
    out = call(backend, 'Sigmoid', { x: doubled });
  } finally {
    backend.disposeData(doubled.dataId);
  }
  const y = backend.typedArrayFromHeap(out) as Float32Array;
  for (let i = 0; i < y.length; i++) y[i] = 2 * y[i]! - 1;
  return out;
}

/**
 * Sum of an NHWC tensor over its batch and both spatial axes (`[n,h,w,c]` over 0, 1 and 2: a conv
 * layer's bias gradient). The shipped kernel transposes the whole input so that the summed axes come
 * last, then sums with a scalar loop; an XNNPACK average pool over each image, a sum of the n means
 * and × h·w is ~7× faster (LeNet-5's first layer at batch 512: 5 ms → 0.7 ms) and no less accurate
 * (the pool adds in blocks, where the loop carries one running float32 sum). Other sums: the shipped kernel.
 */
function sumKernel({ inputs, backend: b, attrs }: KernelArgs): tf.TensorInfo {
  const backend = b as BackendWasm;
  const { x } = inputs as { x: tf.TensorInfo };
  const { axis, keepDims } = attrs as unknown as tf.SumAttrs;
  const axes = tf.util
    .parseAxisParam(axis, x.shape)
    .sort((p, q) => p - q)
    .join();
  const [n, h, w, c] = x.shape as Shape4;
  if (x.dtype !== 'float32' || x.shape.length !== 4 || axes !== '0,1,2' || h * w < 2 || n * c === 0) {
    return original('Sum')({ inputs, backend, attrs: attrs ?? {} }) as tf.TensorInfo;
  }
  const out = chain(backend, x, [
    (v) => call(backend, 'AvgPool', { x: v }, { filterSize: [h, w], strides: [h, w], pad: 'valid' }),
    (v) => reshape(backend, v, [n, c]),
    (v) => original('Sum')({ inputs: { x: v }, backend, attrs: { axis: [0], keepDims: false } }) as tf.TensorInfo,
    (v) => (keepDims ? reshape(backend, v, [1, 1, 1, c]) : null),
  ]);
  const sums = backend.typedArrayFromHeap(out) as Float32Array;
  for (let k = 0; k < c; k++) sums[k] = sums[k]! * h * w;
  return out;
}

/**
 * x + a bias along x's last axis (a conv layer's bias add in training: `[n,h,w,c] + [c]`). The
 * shipped kernel broadcasts by running its vector loop once per pixel, over only c values: at
 * LeNet-5's c = 6 that is ~5× slower than a same-shape add. Read as `[rows/k, k·c]` plus the bias
 * tiled k times, each loop runs over k·c values; every output is the same single float32 sum, so
 * the result is bit-identical. Every other Add: the shipped kernel.
 */
function addKernel({ inputs, backend: b, attrs }: KernelArgs): tf.TensorInfo {
  const backend = b as BackendWasm;
  const { a, b: other } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  // Float addition is commutative bit for bit, so the bias may be either operand.
  const pair = lastAxisBias(a, other) ? { x: a, bias: other } : lastAxisBias(other, a) ? { x: other, bias: a } : null;
  const k = pair ? biasTiles(pair.x) : 1;
  if (!pair || k === 1) return original('Add')({ inputs, backend, attrs: attrs ?? {} }) as tf.TensorInfo;
  const { x, bias } = pair;
  const c = x.shape.at(-1)!;
  const tiled = chain(backend, bias, [(v) => reshape(backend, v, [c]), (v) => call(backend, 'Tile', { x: v }, { reps: [k] })]);
  try {
    return chain(backend, x, [
      (v) => reshape(backend, v, [tf.util.sizeFromShape(x.shape) / (k * c), k * c]),
      (v) => original('Add')({ inputs: { a: v, b: tiled }, backend, attrs: {} }) as tf.TensorInfo,
      (v) => reshape(backend, v, x.shape),
    ]);
  } finally {
    backend.disposeData(tiled.dataId);
  }
}

/** Whether `bias` is float32 `[c]` (or `[1,…,1,c]`, no longer than x's rank) with c x's last, short axis. */
function lastAxisBias(x: tf.TensorInfo, bias: tf.TensorInfo): boolean {
  const c = x.shape.at(-1);
  return (
    x.dtype === 'float32' &&
    bias.dtype === 'float32' &&
    x.shape.length >= 2 &&
    c !== undefined &&
    c > 0 &&
    c < BIAS_ROW_FLOATS / 2 &&
    bias.shape.length >= 1 &&
    bias.shape.length <= x.shape.length &&
    bias.shape.at(-1) === c &&
    bias.shape.slice(0, -1).every((d) => d === 1)
  );
}

/** Floats per row the tiled bias add aims for (measured at c = 6: rows of 192 and 384 floats equally fast, 48 and 768 slower). */
const BIAS_ROW_FLOATS = 256;

/** The largest k ≤ BIAS_ROW_FLOATS / c that divides x's rows (x's size / c); 1 when none > 1 does. */
function biasTiles(x: tf.TensorInfo): number {
  const c = x.shape.at(-1)!;
  const rows = tf.util.sizeFromShape(x.shape) / c;
  for (let k = Math.min(rows, Math.floor(BIAS_ROW_FLOATS / c)); k > 1; k--) if (rows % k === 0) return k;
  return 1;
}

/** The kernels replaced below, kept to delegate to. */
const originals = new Map<string, tf.KernelFunc>();

function original(kernelName: string): tf.KernelFunc {
  const f = originals.get(kernelName);
  if (!f) throw new Error(`original wasm '${kernelName}' kernel was not recorded`);
  return f;
}

/**
 * The shipped (Fused)BatchMatMul uses XNNPACK only without transposes; with either flag set it
 * falls back to a scalar triple loop. Backprop through a dense layer always sets one (dx = dy·Wᵀ,
 * dW = xᵀ·dy), so for single (unbatched) products the operand is transposed explicitly — a cheap
 * copy — and the XNNPACK path used.
 */
function untransposedMatMul(kernelName: string) {
  return ({ inputs, backend: b, attrs }: KernelArgs): tf.TensorInfo => {
    const backend = b as BackendWasm;
    const { a, b: bm } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const unbatched = (t: tf.TensorInfo) => t.shape.slice(0, -2).every((d) => d === 1);
    const delegate = original(kernelName);
    if ((!transposeA && !transposeB) || a.dtype !== 'float32' || bm.dtype !== 'float32' || !unbatched(a) || !unbatched(bm)) {
      return delegate({ inputs, backend, attrs: attrs ?? {} }) as tf.TensorInfo;
    }
    // Both kernels take rank-3 operands ([1, rows, cols] here): the fused one reads shape[1..2].
    const matrix = (t: tf.TensorInfo, flip: boolean): tf.TensorInfo => {
      const [r, c] = t.shape.slice(-2) as [number, number];
      return chain(backend, t, [(v) => reshape(backend, v, [1, r, c]), (v) => (flip ? transpose(backend, v, [0, 2, 1]) : null)]);
    };
    const a3 = matrix(a, transposeA);
    try {
      const b3 = matrix(bm, transposeB);
      try {
        const out = delegate({
          inputs: { ...inputs, a: a3, b: b3 },
          backend,
          attrs: { ...attrs, transposeA: false, transposeB: false },
        }) as tf.TensorInfo;
        // The leading dims are all 1; give the result as many as the inputs had.
        const rank = Math.max(a.shape.length, bm.shape.length);
        if (out.shape.length === rank) return out;
        try {
          return reshape(backend, out, [...new Array<number>(rank - 2).fill(1), ...out.shape.slice(1)]);
        } finally {
          backend.disposeData(out.dataId);
        }
      } finally {
        backend.disposeData(b3.dataId);
      }
    } finally {
      backend.disposeData(a3.dataId);
    }
  };
}

/**
 * Identity, and Cast to the same dtype: the shipped kernels copy the whole buffer (and Cast to bool
 * keeps the values, see castToBool); the cpu and webgl
 * backends share it (reference-counted), as Reshape already does on wasm. Training makes several
 * such copies of every activation per step: the tape keeps a clone of each saved input, and ReLU's
 * gradient casts its float mask to float. No kernel writes into its inputs, so sharing is safe.
 */
function shareData(kernelName: 'Identity' | 'Cast') {
  return ({ inputs, backend: b, attrs }: KernelArgs): tf.TensorInfo => {
    const backend = b as BackendWasm;
    const { x } = inputs as { x: tf.TensorInfo };
    const dtype = kernelName === 'Cast' ? (attrs as unknown as tf.CastAttrs).dtype : x.dtype;
    if (dtype === 'bool' && x.dtype !== 'bool' && x.dtype !== 'string') return castToBool(backend, x);
    if (x.dtype === 'string' || dtype !== x.dtype) return original(kernelName)({ inputs, backend, attrs: attrs ?? {} }) as tf.TensorInfo;
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape.slice(), dtype: x.dtype };
  };
}

/** x ≠ 0 as bool. The shipped Cast copies the values into bytes: 2 stays 2, −1 becomes 255. */
function castToBool(backend: BackendWasm, x: tf.TensorInfo): tf.TensorInfo {
  const out = backend.makeOutput(x.shape, 'bool');
  // Views only after the last allocation: growing the wasm memory detaches earlier ones.
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  for (let i = 0; i < src.length; i++) dst[i] = src[i] !== 0 ? 1 : 0;
  return out;
}

const KERNELS: readonly tf.KernelConfig[] = [
  ['Conv2DBackpropFilter', conv2DBackpropFilter],
  ['Conv2DBackpropInput', conv2DBackpropInput],
  ['MaxPoolGrad', maxPoolGrad],
  ['AvgPoolGrad', avgPoolGrad],
  ['Tanh', tanh],
  ['BatchMatMul', untransposedMatMul('BatchMatMul')],
  ['_FusedMatMul', untransposedMatMul('_FusedMatMul')],
  ['Sum', sumKernel],
  ['Add', addKernel],
  ['Identity', shareData('Identity')],
  ['Cast', shareData('Cast')],
].map(([kernelName, f]) => ({ kernelName, backendName: BACKEND, kernelFunc: f as unknown as tf.KernelFunc }) as tf.KernelConfig);

/**
 * Makes the 'wasm' backend able to train conv nets, correctly and fast: registers the
 * `Conv2DBackpropFilter` kernel it lacks and replaces its slow or wrong `Conv2DBackpropInput`,
 * `MaxPoolGrad`, `AvgPoolGrad`, `Tanh`, `Sum` (over NHWC's first three axes), `Add` (of a last-axis bias) and transposed (`_Fused`)`BatchMatMul` (see the file
 * comment). Safe to call any number of times, before or after `tf.setBackend('wasm')`; the
 * replaced kernels keep their setup functions, so the backend may also start later.
 */
export function registerWasmTrainingKernels(): void {
  for (const config of KERNELS) {
    const existing = tf.getKernel(config.kernelName, BACKEND);
    if (existing?.kernelFunc === config.kernelFunc) continue;
    if (!existing) {
      tf.registerKernel(config);
      continue;
    }
    originals.set(config.kernelName, existing.kernelFunc);
    // Unregistering first avoids tfjs's "already registered" console warning for the replacement.
    tf.unregisterKernel(config.kernelName, BACKEND);
    // The original's setupFunc (binding its C function) runs when the backend initialises; it must
    // stay attached so that delegating to the original works when wasm starts after this call.
    tf.registerKernel(existing.setupFunc ? { ...config, setupFunc: existing.setupFunc } : config);
  }
}

/**
 * Puts the shipped kernels back in place of the replacements (Conv2DBackpropFilter stays: the wasm
 * backend has none). For the benchmark's before/after only; the app never calls it.
 */
export function restoreShippedWasmKernels(): void {
  for (const [kernelName, kernelFunc] of originals) {
    const current = tf.getKernel(kernelName, BACKEND);
    tf.unregisterKernel(kernelName, BACKEND);
    tf.registerKernel({ kernelName, backendName: BACKEND, kernelFunc, ...(current?.setupFunc ? { setupFunc: current.setupFunc } : {}) });
  }
  originals.clear();
}
