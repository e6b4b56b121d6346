/**
 * A drawing turned into an MNIST-style image, the way the MNIST digits were made (LeCun et al.):
 * the ink's bounding box is scaled (aspect kept, with area averaging, so edges come out grey) to fit a
 * 20×20 box, which is then placed in a 28×28 field so that its centre of mass lands on the centre.
 * Pure; the UI feeds it the canvas's ink, the worker then applies the run's own preprocessing.
 */

/** Side of the output image. */
export const MNIST_SIZE = 28;
/** Side of the box the ink's bounding box is scaled into. */
export const MNIST_BOX = 20;

/**
 * @param ink `width × height` ink intensities, row-major, 0 (paper) .. 255 (full ink)
 * @param threshold ink at or below this value does not count towards the bounding box
 * @returns 28×28 bytes, ink = 255 on a 0 background (as MNIST); null when nothing is drawn
 */
export function mnistStyle(ink: ArrayLike<number>, width: number, height: number, threshold = 0): Uint8Array | null {
  let x0 = width;
  let x1 = -1;
  let y0 = height;
  let y1 = -1;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      if (ink[y * width + x]! > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
  if (x1 < 0) return null;
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const scale = MNIST_BOX / Math.max(bw, bh);
  const tw = Math.max(1, Math.min(MNIST_BOX, Math.round(bw * scale)));
  const th = Math.max(1, Math.min(MNIST_BOX, Math.round(bh * scale)));

  // Separable area averaging: rows first (bw → tw), then columns (bh → th).
  const xs = areaWeights(bw, tw);
  const ys = areaWeights(bh, th);
  const rows = new Float64Array(bh * tw);
  for (let y = 0; y < bh; y++)
    for (let tx = 0; tx < tw; tx++) {
      let v = 0;
      for (const [i, w] of xs[tx]!) v += w * ink[(y0 + y) * width + x0 + i]!;
      rows[y * tw + tx] = v;
    }
  const box = new Float64Array(th * tw);
  for (let ty = 0; ty < th; ty++)
    for (let tx = 0; tx < tw; tx++) {
      let v = 0;
      for (const [j, w] of ys[ty]!) v += w * rows[j * tw + tx]!;
      box[ty * tw + tx] = v;
    }

  // Centre of mass, with pixel centres at +0.5.
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < th; y++)
    for (let x = 0; x < tw; x++) {
      const v = box[y * tw + x]!;
      mass += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  const cx = mass > 0 ? mx / mass : tw / 2;
  const cy = mass > 0 ? my / mass : th / 2;
  // Shift so the centre of mass is at 14; unlike the original, never push ink off the field.
  const ox = clamp(Math.round(MNIST_SIZE / 2 - cx), 0, MNIST_SIZE - tw);
  const oy = clamp(Math.round(MNIST_SIZE / 2 - cy), 0, MNIST_SIZE - th);
  const out = new Uint8Array(MNIST_SIZE * MNIST_SIZE);
  for (let y = 0; y < th; y++)
    for (let x = 0; x < tw; x++) out[(oy + y) * MNIST_SIZE + ox + x] = clamp(Math.round(box[y * tw + x]!), 0, 255);
  return out;
}

/**
 * For each of `m` target pixels over `n` source pixels, the source pixels it covers and the share of
 * its width each covers (weights sum to 1).
 */
function areaWeights(n: number, m: number): [number, number][][] {
  const step = n / m;
  return Array.from({ length: m }, (_, j) => {
    const a = j * step;
    const b = (j + 1) * step;
    const list: [number, number][] = [];
    for (let i = Math.floor(a); i < Math.min(n, Math.ceil(b)); i++) {
      const overlap = Math.min(b, i + 1) - Math.max(a, i);
      if (overlap > 0) list.push([i, overlap / step]);
    }
    return list;
  });
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Centre of mass (x, y) of a square image of side `size`, pixel centres at +0.5; null when empty. */
export function centreOfMass(image: ArrayLike<number>, size: number): { x: number; y: number } | null {
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const v = image[y * size + x]!;
      mass += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  return mass > 0 ? { x: mx / mass, y: my / mass } : null;
}
