/**
 * Colour maps of the inspection panels, chosen to read the same with the common colour-vision
 * deficiencies: a diverging blue–white–orange map for signed values (weights, activations: 0 is
 * white) and a white-to-blue sequential map for counts and rates. Neither relies on red vs green;
 * both change in lightness monotonically from the centre / start, so they also survive greyscale.
 */

export type Rgb = readonly [number, number, number];

const DIVERGING: readonly (readonly [number, Rgb])[] = [
  [-1, [33, 102, 172]],
  [-0.5, [146, 197, 222]],
  [0, [247, 247, 247]],
  [0.5, [253, 184, 99]],
  [1, [179, 88, 6]],
];

const SEQUENTIAL: readonly (readonly [number, Rgb])[] = [
  [0, [247, 251, 255]],
  [0.25, [198, 219, 239]],
  [0.5, [107, 174, 214]],
  [0.75, [33, 113, 181]],
  [1, [8, 48, 107]],
];

function interpolate(stops: readonly (readonly [number, Rgb])[], v: number): Rgb {
  const first = stops[0]!;
  const last = stops[stops.length - 1]!;
  if (!(v > first[0])) return first[1]; // NaN lands here too
  if (v >= last[0]) return last[1];
  for (let i = 1; i < stops.length; i++) {
    const [b, cb] = stops[i]!;
    if (v <= b) {
      const [a, ca] = stops[i - 1]!;
      const t = (v - a) / (b - a);
      return [Math.round(ca[0] + t * (cb[0] - ca[0])), Math.round(ca[1] + t * (cb[1] - ca[1])), Math.round(ca[2] + t * (cb[2] - ca[2]))];
    }
  }
  return last[1];
}

/** Signed value in [−1, 1] (clamped) → blue (negative) … white (0) … orange (positive). */
export function diverging(v: number): Rgb {
  return interpolate(DIVERGING, v);
}

const LUT_STEPS = 1024;
let divergingTable: Uint8Array | null = null;

/**
 * `diverging` tabulated at 1024 evenly spaced values of [−1, 1] (RGB triplets), for painting a
 * map's pixels without a function call and an array per pixel; adjacent entries differ by less than
 * one colour level. `divergingIndex` maps a value to its entry.
 */
export function divergingLut(): Uint8Array {
  if (!divergingTable) {
    divergingTable = new Uint8Array(LUT_STEPS * 3);
    for (let i = 0; i < LUT_STEPS; i++) divergingTable.set(diverging((2 * i) / (LUT_STEPS - 1) - 1), i * 3);
  }
  return divergingTable;
}

/** The entry of `divergingLut` for `v` (clamped to [−1, 1]; NaN takes −1's colour, as `diverging` does). */
export function divergingIndex(v: number): number {
  if (!(v > -1)) return 0;
  if (v >= 1) return LUT_STEPS - 1;
  return Math.round(((v + 1) / 2) * (LUT_STEPS - 1));
}

/** Value in [0, 1] (clamped) → white … dark blue. */
export function sequential(t: number): Rgb {
  return interpolate(SEQUENTIAL, t);
}

export const css = ([r, g, b]: Rgb) => `rgb(${r}, ${g}, ${b})`;

/** Relative luminance (sRGB, WCAG), to pick readable text on a coloured cell. */
export function luminance([r, g, b]: Rgb): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/**
 * Black or white, whichever contrasts more with `background`. Pure black: with it the crossover
 * (luminance ≈ 0.179) still gives 4.58:1, so every cell passes WCAG AA (4.5:1); a softer near-black
 * left mid-blue cells at ~4.1:1.
 */
export function textOn(background: Rgb): string {
  return luminance(background) > 0.179 ? '#000000' : '#ffffff';
}

/** WCAG contrast ratio of two colours (1…21). */
export function contrast(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** Okabe–Ito: eight colours distinguishable with the common colour-vision deficiencies (lines). */
export const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#000000', '#F0E442'] as const;
