/**
 * First-layer kernels as images: values divided by a scale so that 0 stays 0 (the middle of a
 * diverging colour map) and the largest |w| reaches ±1. Shared scale compares filters with each
 * other; per-filter scale shows each one's shape. Pure; the UI colours the result.
 */

export type FilterScale = 'shared' | 'per-filter';

export interface FilterImages {
  /** Number of filters (the kernel's output channels). */
  readonly count: number;
  readonly height: number;
  readonly width: number;
  /** Input channels: 1 (grey) or 3 (RGB). */
  readonly channels: number;
  /** count × height × width × channels values in [−1, 1], filter after filter (HWC within one). */
  readonly values: Float32Array;
  /** The |w| that maps to ±1, per filter (all equal with a shared scale); 0 for an all-zero filter. */
  readonly scales: Float32Array;
}

/**
 * Reorders a tfjs conv kernel [kh, kw, in, out] into one image per output filter and scales it.
 * A filter (or kernel) that is all zeros comes out all zeros with scale 0.
 */
export function normalizeFilters(
  kernel: ArrayLike<number>,
  shape: readonly [number, number, number, number],
  mode: FilterScale,
): FilterImages {
  const [height, width, channels, count] = shape;
  const size = height * width * channels;
  if (kernel.length !== size * count)
    throw new RangeError(`kernel has ${kernel.length} values, shape ${shape.join('×')} needs ${size * count}`);
  const values = new Float32Array(size * count);
  const maxAbs = new Float32Array(count);
  // Kernel index of (y, x, c, f) is ((y·kw + x)·in + c)·out + f: position p = (y·kw + x)·in + c.
  for (let p = 0; p < size; p++)
    for (let f = 0; f < count; f++) {
      const w = kernel[p * count + f]!;
      values[f * size + p] = w;
      const a = Math.abs(w);
      if (a > maxAbs[f]!) maxAbs[f] = a;
    }
  const scales = new Float32Array(count);
  const shared = maxAbs.reduce((a, b) => Math.max(a, b), 0);
  for (let f = 0; f < count; f++) scales[f] = mode === 'shared' ? shared : maxAbs[f]!;
  for (let f = 0; f < count; f++) {
    const s = scales[f]!;
    for (let p = 0; p < size; p++) values[f * size + p] = s > 0 ? values[f * size + p]! / s : 0;
  }
  return { count, height, width, channels, values, scales };
}

export interface FilterStats {
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly max: number;
  /** ‖w‖₂ of the filter. */
  readonly norm: number;
}

/** Weight statistics of each output filter of a [kh, kw, in, out] kernel. */
export function filterStats(kernel: ArrayLike<number>, shape: readonly [number, number, number, number]): FilterStats[] {
  const [kh, kw, cin, count] = shape;
  const size = kh * kw * cin;
  return Array.from({ length: count }, (_, f) => {
    let sum = 0;
    let sq = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let p = 0; p < size; p++) {
      const w = kernel[p * count + f]!;
      sum += w;
      sq += w * w;
      if (w < min) min = w;
      if (w > max) max = w;
    }
    const mean = sum / size;
    return { mean, std: Math.sqrt(Math.max(0, sq / size - mean * mean)), min, max, norm: Math.sqrt(sq) };
  });
}
