/**
 * One optimisation step: forward pass, loss, gradients, their adjustment (L2, clipping), update.
 * The step's metrics stay on the device, packed in the metrics buffer's layout.
 */
import * as tf from '@tensorflow/tfjs';
import { kernelNames, kernelVariables } from '../model';
import { stackBatchMetrics } from './metricsBuffer';

/**
 * One optimizer step per call. Without L2 and clipping it is `optimizer.minimize`; with either, the
 * gradients are taken with `tf.variableGrads`, adjusted ({@link adjustGradients}) and applied.
 */
export class StepRunner {
  private readonly vars: tf.Variable[];
  private readonly kernels: ReadonlySet<string>;
  private readonly kernelVars: tf.Variable[];
  /** Layer names of the gradient norms, in order. */
  readonly kernelLayers: string[];
  constructor(
    private readonly model: tf.LayersModel,
    private readonly optimizer: tf.Optimizer,
    private readonly l2: number,
    private readonly clipNorm: number,
  ) {
    this.vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    this.kernels = kernelNames(model);
    const kernels = kernelVariables(model);
    this.kernelVars = kernels.map((k) => k.variable);
    this.kernelLayers = kernels.map((k) => k.layer);
  }

  /**
   * Returns the step's metrics as a device tensor the caller disposes (see {@link stackBatchMetrics}),
   * and with `withNorms` the ‖∂loss/∂W‖₂ of every kernel (of the loss alone, before L2 and clipping),
   * also on the device. The norms come from the step's own gradients: `minimize` is variableGrads +
   * applyGradients, so taking that path on a measuring step changes nothing in the update.
   */
  run(
    xBuf: Float32Array,
    yBuf: Float32Array,
    size: number,
    shape: readonly number[],
    numClasses: number,
    withNorms = false,
  ): { stats: tf.Tensor1D; norms: tf.Tensor1D | null } {
    const { model, optimizer } = this;
    let norms: tf.Tensor1D | null = null;
    const stats = tf.tidy(() => {
      const x = tf.tensor4d(xBuf.subarray(0, size * shape[0]! * shape[1]! * shape[2]!), [size, shape[0]!, shape[1]!, shape[2]!]);
      const y = tf.tensor2d(yBuf.subarray(0, size * numClasses), [size, numClasses]);
      const kept: { accuracy?: tf.Scalar } = {};
      const lossFn = (): tf.Scalar => {
        const logits = model.apply(x, { training: true }) as tf.Tensor2D;
        kept.accuracy = tf.keep(batchAccuracy(logits, y));
        return tf.losses.softmaxCrossEntropy<tf.Tensor2D, tf.Scalar>(y, logits);
      };
      let loss: tf.Scalar | null;
      if (this.l2 === 0 && this.clipNorm === 0 && !withNorms) {
        loss = optimizer.minimize(lossFn, true);
      } else {
        const { value, grads } = tf.variableGrads(lossFn, this.vars);
        if (withNorms)
          norms = tf.keep(tf.stack(this.kernelVars.map((v) => (grads[v.name] ? tf.norm(grads[v.name]!) : tf.scalar(0)))) as tf.Tensor1D);
        optimizer.applyGradients(adjustGradients(grads, this.vars, this.kernels, this.l2, this.clipNorm));
        loss = value;
      }
      const accuracy = kept.accuracy;
      if (!loss || !accuracy) throw new Error('optimizer returned no loss');
      const stats = stackBatchMetrics({ loss, accuracy });
      // tf.keep exempts `accuracy` from every enclosing tidy, so it has to go by hand.
      accuracy.dispose();
      return stats;
    });
    return { stats, norms };
  }
}

/**
 * The gradients after L2 and clipping: g + 2λw for every variable named in `kernels` (the gradient
 * of λ‖w‖²), then, when `clipNorm` > 0 and the global norm ‖g‖ = √(Σ‖g_i‖²) exceeds it, every g_i
 * scaled by clipNorm/‖g‖. Call inside a tidy.
 */
export function adjustGradients(
  grads: tf.NamedTensorMap,
  vars: readonly tf.Variable[],
  kernels: ReadonlySet<string>,
  l2: number,
  clipNorm: number,
): tf.NamedTensorMap {
  let out: tf.NamedTensorMap = grads;
  if (l2 > 0) {
    out = {};
    for (const v of vars) {
      const g = grads[v.name];
      if (!g) continue;
      out[v.name] = kernels.has(v.name) ? tf.add(g, tf.mul(v, 2 * l2)) : g;
    }
  }
  if (clipNorm > 0) {
    const names = Object.keys(out);
    const norm = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(out[n]!)))));
    const factor = tf.div(clipNorm, tf.maximum(norm, clipNorm));
    const clipped: tf.NamedTensorMap = {};
    for (const n of names) clipped[n] = tf.mul(out[n]!, factor);
    out = clipped;
  }
  return out;
}

function batchAccuracy(logits: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Scalar {
  return tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(oneHot, 1)), 'float32'));
}
