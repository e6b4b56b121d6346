/**
 * One replica of synchronous data-parallel training (see dataParallel.ts): the gradient of the mean
 * loss on its slice, published flat into its exchange slot; after the barrier, the average of all
 * slots applied with its own optimizer. What one optimisation step of the app does (StepRunner without
 * L2, clipping or gradient norms), split at the gradient.
 */
import * as tf from '@tensorflow/tfjs';
import type { GradientExchange } from './dataParallel';

/** Milliseconds per phase of {@link Replica.step}, summed over steps. */
export interface StepPhases {
  gradientMs: number;
  waitMs: number;
  applyMs: number;
}

export class Replica {
  private readonly vars: tf.Variable[];
  /** Trainable values, all variables flattened in `model.trainableWeights` order. */
  readonly params: number;
  private readonly gradient: Float32Array;
  private readonly averaged: Float32Array;

  constructor(
    private readonly model: tf.LayersModel,
    private readonly optimizer: tf.Optimizer,
  ) {
    this.vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    this.params = this.vars.reduce((n, v) => n + v.size, 0);
    this.gradient = new Float32Array(this.params);
    this.averaged = new Float32Array(this.params);
  }

  /**
   * The gradient of the mean softmax cross-entropy on the `size` examples in (xBuf, yBuf), flat into a
   * buffer this replica reuses (valid until its next call); with the loss.
   */
  gradientOf(
    xBuf: Float32Array,
    yBuf: Float32Array,
    size: number,
    shape: readonly number[],
    numClasses: number,
  ): { gradient: Float32Array; loss: number } {
    const [h, w, c] = shape as [number, number, number];
    const loss = tf.tidy(() => {
      const x = tf.tensor4d(xBuf.subarray(0, size * h * w * c), [size, h, w, c]);
      const y = tf.tensor2d(yBuf.subarray(0, size * numClasses), [size, numClasses]);
      const { value, grads } = tf.variableGrads(
        () => tf.losses.softmaxCrossEntropy<tf.Tensor2D, tf.Scalar>(y, this.model.apply(x, { training: true }) as tf.Tensor2D),
        this.vars,
      );
      let at = 0;
      for (const v of this.vars) {
        const g = grads[v.name];
        if (!g) throw new Error(`no gradient for ${v.name}`);
        this.gradient.set(g.dataSync(), at);
        at += v.size;
      }
      return value.dataSync()[0]!;
    });
    return { gradient: this.gradient, loss };
  }

  /** Applies the flat gradient `flat` (in `trainableWeights` order) with this replica's optimizer. */
  apply(flat: Float32Array): void {
    tf.tidy(() => {
      const map: tf.NamedTensorMap = {};
      let at = 0;
      for (const v of this.vars) {
        map[v.name] = tf.tensor(flat.subarray(at, at + v.size), v.shape, 'float32');
        at += v.size;
      }
      this.optimizer.applyGradients(map);
    });
  }

  /**
   * One synchronous step: publish this replica's slice gradient for `step`, wait for every replica,
   * apply the fixed-order average. Returns the batch's mean loss (the mean of the slice losses). With
   * `phases`, adds the milliseconds spent on the gradient (with its copy into the slot), at the barrier,
   * and on averaging and the update.
   */
  step(
    exchange: GradientExchange,
    step: number,
    xBuf: Float32Array,
    yBuf: Float32Array,
    size: number,
    shape: readonly number[],
    numClasses: number,
    phases?: StepPhases,
  ): number {
    const t0 = performance.now();
    const { gradient, loss } = this.gradientOf(xBuf, yBuf, size, shape, numClasses);
    exchange.publish(step, gradient, loss);
    const t1 = performance.now();
    exchange.barrier.wait();
    const t2 = performance.now();
    const mean = this.applyAverage(exchange, step);
    if (phases) {
      phases.gradientMs += t1 - t0;
      phases.waitMs += t2 - t1;
      phases.applyMs += performance.now() - t2;
    }
    return mean;
  }

  /** After every replica published `step`: applies the average; returns the mean loss. */
  applyAverage(exchange: GradientExchange, step: number): number {
    const loss = exchange.average(step, this.averaged);
    this.apply(this.averaged);
    return loss;
  }

  /** Every trainable value, flat, in `trainableWeights` order (a copy). */
  weights(): Float32Array {
    const out = new Float32Array(this.params);
    let at = 0;
    for (const v of this.vars) {
      out.set(v.dataSync(), at);
      at += v.size;
    }
    return out;
  }
}
