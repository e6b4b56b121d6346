/**
 * Painting typed arrays into canvases: images (thumbnails, inputs), signed maps (filters, feature
 * maps) and small charts. One ImageData per call; canvases are drawn at their natural size and
 * scaled by CSS (`image-rendering: pixelated`), so a 5×5 filter costs 25 pixels, not a React node each.
 */
import type { ImageBlock } from '../core/inspect/types';
import { divergingIndex, divergingLut } from './colormap';
import { onIdle } from './idle';

/** Paints image `index` of `block` (grey or RGB bytes) into `canvas`, resized to the image. */
export function paintImage(canvas: HTMLCanvasElement, block: ImageBlock, index: number, invert = false): void {
  const { height, width, channels, pixels } = block;
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const data = ctx.createImageData(width, height);
  const from = index * height * width * channels;
  for (let p = 0; p < height * width; p++) {
    for (let c = 0; c < 3; c++) {
      const v = pixels[from + p * channels + (channels === 3 ? c : 0)] ?? 0;
      data.data[p * 4 + c] = invert ? 255 - v : v;
    }
    data.data[p * 4 + 3] = 255;
  }
  ctx.putImageData(data, 0, 0);
}

/**
 * Paints a height × width map of signed values (already divided by its scale, so in [−1, 1]) with
 * the diverging map; `channels` = 3 paints RGB with 0 at mid grey (for colour filters).
 */
export function paintSigned(
  canvas: HTMLCanvasElement,
  values: ArrayLike<number>,
  offset: number,
  height: number,
  width: number,
  channels: number,
  stride = channels,
  channel = 0,
): void {
  // Resizing a canvas reallocates it: only when the size changes (putImageData covers every pixel).
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const data = ctx.createImageData(width, height);
  const out = data.data;
  const lut = divergingLut();
  for (let p = 0; p < height * width; p++) {
    const o = p * 4;
    if (channels === 3) {
      const at = offset + p * stride;
      for (let c = 0; c < 3; c++) out[o + c] = Math.round(127.5 + 127.5 * clamp1(values[at + c] ?? 0));
    } else {
      const i = divergingIndex(values[offset + p * stride + channel] ?? 0) * 3;
      out[o] = lut[i]!;
      out[o + 1] = lut[i + 1]!;
      out[o + 2] = lut[i + 2]!;
    }
    out[o + 3] = 255;
  }
  ctx.putImageData(data, 0, 0);
}

const clamp1 = (v: number) => Math.max(-1, Math.min(1, v));

/** A canvas sized for the device pixel ratio; returns its 2D context scaled to CSS pixels. */
export function hiDpi(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D | null {
  const ratio = Math.min(2, globalThis.devicePixelRatio || 1);
  const w = Math.round(width * ratio);
  const h = Math.round(height * ratio);
  // Resizing reallocates the canvas (and restyling it costs a layout): only on a change of size;
  // otherwise it is cleared, as a resize would have.
  const resized = canvas.width !== w || canvas.height !== h;
  if (resized) {
    canvas.width = w;
    canvas.height = h;
  }
  if (canvas.style.width !== `${width}px`) canvas.style.width = `${width}px`;
  if (canvas.style.height !== `${height}px`) canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d');
  if (ctx && !resized) {
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, w, h);
  }
  ctx?.setTransform(ratio, 0, 0, ratio, 0, 0);
  return ctx;
}

/** FNV-1a over the bytes of a typed array, as 8 hex digits: a cheap "did it change" fingerprint. */
export function fingerprint(values: ArrayBufferView): string {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/**
 * Draws one pixel into a throwaway canvas once the page is idle after loading. A page's first 2D
 * canvas draw sets up the browser's canvas machinery: done when training starts (the filters panel's
 * first paint), it blocked the main thread for 90–300 ms on a machine whose cores were busy with the
 * worker; done at idle it costs a few milliseconds, and the panels' first paint costs what later ones do.
 */
export function warmUpCanvasAtIdle(): void {
  const warm = () => {
    const canvas = document.createElement('canvas');
    canvas.width = 1;
    canvas.height = 1;
    const ctx = canvas.getContext('2d');
    ctx?.putImageData(ctx.createImageData(1, 1), 0, 0);
  };
  onIdle(warm, 3000);
}
