/**
 * Pixel transforms applied while a batch is filled (JS side, into the reused Float32Array), so the
 * training step itself stays one small graph:
 *
 *   byte b ∈ 0..255 ─▶ [negative: 255 − b] ─▶ value in [0, 1]: b/255, or |I − mean(I)| per image
 *          ─▶ normalisation (x − μ_c)/σ_c ─▶ [training only: random shift, random erasing]
 *
 * μ_c and σ_c come from the training subset only (identity for "scale to [0, 1]").
 */
import { assertNever, type NegativeMode, type NormalizationId } from '../settings';
import type { Rng } from '../rng';
import type { Subset } from './types';

/** What every image goes through before it reaches the model. Build with {@link makePreprocessing}. */
export interface Preprocessing {
  readonly channels: number;
  /** Replace each channel by |I_c − mean(I_c)| (mean over that image's pixels), in [0, 1]. */
  readonly absMean: boolean;
  /** Per-channel mean subtracted last (0 for "scale to [0, 1]"). */
  readonly mean: readonly number[];
  /** Per-channel standard deviation divided by last (1 for "scale to [0, 1]"). */
  readonly std: readonly number[];
  /** Final value of byte `b` of channel `c`, positive (`n = 0`) or negative (`n = 1`): `lut[(c·2 + n)·256 + b]`. */
  readonly lut: Float32Array;
}

export function makePreprocessing(
  channels: number,
  options: { absMean: boolean; mean?: readonly number[]; std?: readonly number[] },
): Preprocessing {
  const mean = options.mean ?? new Array<number>(channels).fill(0);
  const std = options.std ?? new Array<number>(channels).fill(1);
  const lut = new Float32Array(channels * 2 * 256);
  for (let c = 0; c < channels; c++) {
    for (let b = 0; b < 256; b++) {
      // (b/255 − 0)/1 is exactly b/255: "scale to [0, 1]" stays bit-identical to the plain division.
      lut[c * 2 * 256 + b] = (b / 255 - mean[c]!) / std[c]!;
      lut[(c * 2 + 1) * 256 + b] = (1 - b / 255 - mean[c]!) / std[c]!;
    }
  }
  return { channels, absMean: options.absMean, mean, std, lut };
}

const unitCache = new Map<number, Preprocessing>();
/** Pixels to [0, 1], nothing else: what fillBatch does by default. */
export function unitPreprocessing(channels: number): Preprocessing {
  let p = unitCache.get(channels);
  if (!p) unitCache.set(channels, (p = makePreprocessing(channels, { absMean: false })));
  return p;
}

/**
 * Per-channel mean and standard deviation of `subset` as the model would see it before normalisation
 * (negatives included where the subset has them; after |I − mean(I)| when `absMean`). Computed in
 * doubles over every pixel; a constant channel gets σ = 1.
 */
export function channelStatistics(subset: Subset, absMean: boolean): { mean: number[]; std: number[] } {
  const { source, indices, negated } = subset;
  const { channels } = source;
  const pixels = source.height * source.width;
  const sum = new Float64Array(channels);
  const sumSq = new Float64Array(channels);
  if (!absMean) {
    // Histogram of bytes per channel and sign, then moments from it.
    const hist = new Float64Array(channels * 256);
    for (let i = 0; i < indices.length; i++) {
      const from = indices[i]! * pixels * channels;
      const neg = negated?.[i] === 1;
      for (let p = 0; p < pixels * channels; p++) {
        const b = source.images[from + p]!;
        hist[(p % channels) * 256 + (neg ? 255 - b : b)]! += 1;
      }
    }
    for (let c = 0; c < channels; c++)
      for (let b = 0; b < 256; b++) {
        const n = hist[c * 256 + b]!;
        sum[c]! += (n * b) / 255;
        sumSq[c]! += n * (b / 255) ** 2;
      }
  } else {
    const s = new Float64Array(channels);
    for (let i = 0; i < indices.length; i++) {
      const from = indices[i]! * pixels * channels;
      imageSums(source.images, from, pixels, channels, s);
      for (let p = 0; p < pixels * channels; p++) {
        const c = p % channels;
        const v = Math.abs(pixels * source.images[from + p]! - s[c]!) / (255 * pixels);
        sum[c]! += v;
        sumSq[c]! += v * v;
      }
    }
  }
  const count = indices.length * pixels;
  const mean: number[] = [];
  const std: number[] = [];
  for (let c = 0; c < channels; c++) {
    const m = count > 0 ? sum[c]! / count : 0;
    const variance = count > 0 ? Math.max(0, sumSq[c]! / count - m * m) : 1;
    mean.push(m);
    std.push(Math.sqrt(variance) > 1e-6 ? Math.sqrt(variance) : 1);
  }
  return { mean, std };
}

/**
 * The preprocessing of a run: |I − mean(I)| for the `abs-mean` negatives mode, then per-channel
 * standardisation with statistics of `train` (the training subset, as trained on) when asked for.
 */
export function preprocessingFor(settings: { normalization: NormalizationId; negatives: NegativeMode }, train: Subset): Preprocessing {
  const absMean = settings.negatives === 'abs-mean';
  const channels = train.source.channels;
  switch (settings.normalization) {
    case 'unit':
      return absMean ? makePreprocessing(channels, { absMean }) : unitPreprocessing(channels);
    case 'standardize':
      return makePreprocessing(channels, { absMean, ...channelStatistics(train, absMean) });
    default:
      return assertNever(settings.normalization);
  }
}

/** Training-time augmentation: random shift and random erasing, drawn from `rng` (seeded per run). */
export interface Augmentation {
  /** Probability that an image gets a random rectangle erased (Zhong et al. 2017). */
  readonly erasing: number;
  /** Erased area as a fraction of the image, [min, max]; default {@link ERASING_AREA}. */
  readonly area?: readonly [number, number];
  /** Height/width ratio of the rectangle, [min, max] (sampled log-uniformly); default {@link ERASING_ASPECT}. */
  readonly aspect?: readonly [number, number];
  /** Largest translation in pixels, in x and in y; uncovered pixels read as black (byte 0) before any transform. */
  readonly shift: number;
  readonly rng: Rng;
}

/** Erased area as a fraction of the image, and the aspect ratio range, as in the coursework paper. */
export const ERASING_AREA: readonly [number, number] = [0.02, 0.33];
export const ERASING_ASPECT: readonly [number, number] = [0.3, 3.3];

function imageSums(images: Uint8Array, from: number, pixels: number, channels: number, out: Float64Array): void {
  out.fill(0);
  for (let p = 0; p < pixels * channels; p++) out[p % channels]! += images[from + p]!;
}

const sumsScratch = new Map<number, Float64Array>();

/**
 * Writes example `example` of `images` (H×W×C bytes each) into `x` at `to`, transformed by `pre`,
 * negated when `negated`, shifted by (dx, dy) pixels.
 */
export function writeImage(
  images: Uint8Array,
  example: number,
  height: number,
  width: number,
  pre: Preprocessing,
  negated: boolean,
  dx: number,
  dy: number,
  x: Float32Array,
  to: number,
): void {
  const channels = pre.channels;
  const pixels = height * width;
  const size = pixels * channels;
  const from = example * size;
  const { lut } = pre;
  if (!pre.absMean) {
    if (dx === 0 && dy === 0) {
      if (channels === 1) {
        const base = negated ? 256 : 0;
        for (let p = 0; p < size; p++) x[to + p] = lut[base + images[from + p]!]!;
      } else {
        for (let p = 0; p < size; p++) x[to + p] = lut[((p % channels) * 2 + (negated ? 1 : 0)) * 256 + images[from + p]!]!;
      }
      return;
    }
    for (let yy = 0; yy < height; yy++) {
      const sy = yy - dy;
      for (let xx = 0; xx < width; xx++) {
        const sx = xx - dx;
        const inside = sy >= 0 && sy < height && sx >= 0 && sx < width;
        for (let c = 0; c < channels; c++) {
          const b = inside ? images[from + (sy * width + sx) * channels + c]! : 0;
          x[to + (yy * width + xx) * channels + c] = lut[(c * 2 + (negated ? 1 : 0)) * 256 + b]!;
        }
      }
    }
    return;
  }
  // |I − mean(I)| in integers: |n·b − S| / (255·n) with n pixels and S the byte sum. For the negative,
  // n·(255 − b) − (255·n − S) = −(n·b − S): a positive and its negative come out bit-identical.
  let sums = sumsScratch.get(channels);
  if (!sums) sumsScratch.set(channels, (sums = new Float64Array(channels)));
  imageSums(images, from, pixels, channels, sums);
  const denom = 255 * pixels;
  for (let yy = 0; yy < height; yy++) {
    const sy = yy - dy;
    for (let xx = 0; xx < width; xx++) {
      const sx = xx - dx;
      const inside = sy >= 0 && sy < height && sx >= 0 && sx < width;
      for (let c = 0; c < channels; c++) {
        const raw = inside ? images[from + (sy * width + sx) * channels + c]! : 0;
        const b = negated ? 255 - raw : raw;
        const s = negated ? denom - sums[c]! : sums[c]!;
        const v = Math.abs(pixels * b - s) / denom;
        x[to + (yy * width + xx) * channels + c] = (v - pre.mean[c]!) / pre.std[c]!;
      }
    }
  }
}

const NO_SHIFT: readonly [number, number] = [0, 0];

/** Draws the shift (dx, dy) of the next training image; (0, 0) without shift augmentation. */
export function drawShift(aug: Augmentation | null): readonly [number, number] {
  if (!aug || aug.shift <= 0) return NO_SHIFT;
  const s = aug.shift;
  const dx = Math.floor(aug.rng() * (2 * s + 1)) - s;
  const dy = Math.floor(aug.rng() * (2 * s + 1)) - s;
  return [dx, dy];
}

/**
 * With probability `aug.erasing`, overwrites a random rectangle of the image at `x[to…]` with uniform
 * noise (in the [0, 1] pixel scale, then normalised like the image). Up to 10 tries to find a
 * rectangle that fits; an image that gets none stays as it is.
 */
export function maybeErase(aug: Augmentation | null, pre: Preprocessing, height: number, width: number, x: Float32Array, to: number): void {
  if (!aug || aug.erasing <= 0) return;
  const { rng } = aug;
  if (rng() >= aug.erasing) return;
  const area = height * width;
  const [amin, amax] = aug.area ?? ERASING_AREA;
  const [rmin, rmax] = aug.aspect ?? ERASING_ASPECT;
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * (amin + (amax - amin) * rng());
    const aspect = Math.exp(Math.log(rmin) + (Math.log(rmax) - Math.log(rmin)) * rng());
    const h = Math.round(Math.sqrt(target * aspect));
    const w = Math.round(Math.sqrt(target / aspect));
    if (h < 1 || w < 1 || h >= height || w >= width) continue;
    const y0 = Math.floor(rng() * (height - h + 1));
    const x0 = Math.floor(rng() * (width - w + 1));
    const channels = pre.channels;
    for (let yy = y0; yy < y0 + h; yy++)
      for (let xx = x0; xx < x0 + w; xx++)
        for (let c = 0; c < channels; c++) x[to + (yy * width + xx) * channels + c] = (rng() - pre.mean[c]!) / pre.std[c]!;
    return;
  }
}
