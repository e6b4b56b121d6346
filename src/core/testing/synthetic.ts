/**
 * Synthetic, learnable image data for tests only: each class is a bright bar at a class-specific
 * position plus seeded noise, so a conv net can separate them within a few steps.
 */
import type { DatasetSplit, ImageSet } from '../data/types';
import { createRng } from '../rng';

export function syntheticSet(count: number, seed: number, size = 28, channels = 1, numClasses = 10): ImageSet {
  const rng = createRng(seed);
  const pixels = size * size * channels;
  const images = new Uint8Array(count * pixels);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const label = n % numClasses;
    labels[n] = label;
    const row = 2 + Math.floor((label * (size - 4)) / numClasses);
    for (let p = 0; p < pixels; p++) images[n * pixels + p] = Math.floor(rng() * 60);
    for (let dy = 0; dy < 2; dy++)
      for (let x = 2; x < size - 2; x++)
        for (let c = 0; c < channels; c++) images[n * pixels + ((row + dy) * size + x) * channels + c] = 200 + Math.floor(rng() * 55);
  }
  return { images, labels, count, height: size, width: size, channels };
}

export function syntheticSplit(train: number, test: number, seed = 1, size = 28, channels = 1): DatasetSplit {
  return {
    train: syntheticSet(train, seed, size, channels),
    test: syntheticSet(test, seed + 1000, size, channels),
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  };
}
