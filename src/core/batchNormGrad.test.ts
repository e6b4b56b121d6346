import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { registerBatchNormGradient } from './batchNormGrad';

/** Batch norm spelled out in elementary ops (their gradients are tfjs's own), to compare against. */
function reference(
  x: tf.Tensor4D,
  mean: tf.Tensor1D,
  variance: tf.Tensor1D,
  offset: tf.Tensor1D,
  scale: tf.Tensor1D,
  eps: number,
): tf.Tensor {
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), scale), offset);
}

describe('FusedBatchNorm gradient without the full-size tile', () => {
  it('gives the gradients of the spelled-out formula for x, mean, variance, scale and offset', () => {
    registerBatchNormGradient();
    const x = tf.randomNormal<tf.Rank.R4>([3, 4, 5, 6], 0, 2, 'float32', 1);
    const mean = tf.randomNormal<tf.Rank.R1>([6], 0, 1, 'float32', 2);
    const variance = tf.add<tf.Tensor1D>(tf.randomUniform([6], 0.5, 2, 'float32', 3), 0);
    const offset = tf.randomNormal<tf.Rank.R1>([6], 0, 1, 'float32', 4);
    const scale = tf.randomNormal<tf.Rank.R1>([6], 1, 0.5, 'float32', 5);
    const weight = tf.randomNormal([3, 4, 5, 6], 0, 1, 'float32', 6);
    const loss =
      (f: (...a: tf.Tensor[]) => tf.Tensor) =>
      (...a: tf.Tensor[]) =>
        tf.sum(tf.mul(f(...a), weight));
    const ours = tf.grads(
      loss((a, b, c, d, e) => tf.batchNorm(a as tf.Tensor4D, b as tf.Tensor1D, c as tf.Tensor1D, d as tf.Tensor1D, e as tf.Tensor1D, 1e-3)),
    )([x, mean, variance, offset, scale]);
    const ref = tf.grads(
      loss((a, b, c, d, e) => reference(a as tf.Tensor4D, b as tf.Tensor1D, c as tf.Tensor1D, d as tf.Tensor1D, e as tf.Tensor1D, 1e-3)),
    )([x, mean, variance, offset, scale]);
    ours.forEach((g, i) => {
      expect(g.shape).toEqual(ref[i]!.shape);
      const diff = tf.max(tf.abs(tf.sub(g, ref[i]!))).dataSync()[0]!;
      const size = tf.max(tf.abs(ref[i]!)).dataSync()[0]!;
      expect(diff, `input ${i}`).toBeLessThan(1e-4 * Math.max(1, size));
    });
  });
});
