/**
 * The gradient of tfjs's FusedBatchNorm kernel, without the full-size `tile` that tfjs-core 4.22
 * builds for ∂/∂x: it tiles 1/√(σ² + ε) to the whole activation ([N, H, W, C]) and multiplies, where a
 * broadcasting multiply gives the same numbers. On the WASM backend that Tile and the extra
 * full-size multiply were about half of a batch-norm model's training step. Everything else is
 * tfjs-core's formula; registering replaces the global gradient for every backend.
 */
import * as tf from '@tensorflow/tfjs';

let registered = false;

export function registerBatchNormGradient(): void {
  if (registered) return;
  registered = true;
  tf.registerGradient({
    kernelName: tf.FusedBatchNorm,
    inputsToSave: ['x', 'mean', 'variance', 'scale'],
    gradFunc: (dy, saved, attrs) => {
      const dyT = dy as tf.Tensor;
      const { varianceEpsilon } = attrs as unknown as { varianceEpsilon: number };
      const [x, mean, variance, scale] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
      const scaleValue = scale ?? tf.scalar(1);
      const reductionAxes = tf.backend_util.getReductionAxes(mean.shape, x.shape);
      const perChannel = mean.rank === 1;
      const reduce = (t: tf.Tensor) => tf.reshape(perChannel ? tf.sum(t, reductionAxes) : t, mean.shape);
      const xMinusMean = tf.sub(x, mean);
      const dyTimesScale = tf.mul(dyT, scaleValue);
      const rsqrtVar = tf.rsqrt(tf.add(variance, tf.scalar(varianceEpsilon)));
      const minusHalfRCube = tf.mul(tf.mul(tf.mul(rsqrtVar, rsqrtVar), rsqrtVar), tf.scalar(-0.5));
      return {
        // A per-channel [C] factor broadcasts over [N, H, W, C] (channels last) as it is.
        x: () => tf.reshape(tf.mul(tf.mul(dyT, rsqrtVar), scaleValue), x.shape),
        mean: () => reduce(tf.mul(tf.mul(rsqrtVar, tf.scalar(-1)), dyTimesScale)),
        variance: () => reduce(tf.mul(tf.mul(minusHalfRCube, xMinusMean), dyTimesScale)),
        scale: () => reduce(tf.mul(dyT, tf.mul(xMinusMean, rsqrtVar))),
        offset: () => reduce(dyT),
      };
    },
  });
}
