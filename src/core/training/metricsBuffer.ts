/**
 * The per-batch metrics between a step and the observer. Each step leaves its metrics on the device
 * as one small tensor; a flush stacks every pending step's tensor (and the gradient norms of the
 * steps that measured them) into one tensor, reads it with one async `data()` and hands out plain
 * {@link BatchPoint}s. The layout of that read is known here and nowhere else.
 *
 * Adding a per-batch metric: name it in {@link BATCH_METRICS} (and give {@link BatchPoint} the field);
 * the step runner must then produce it (`stackBatchMetrics` takes one scalar per name).
 */
import * as tf from '@tensorflow/tfjs';
import type { GradientNormPoint } from '../inspect/types';
import type { BatchPoint } from '../wire';

/** The metrics of every step, in the order they are stacked on the device; each is a {@link BatchPoint} field. */
export const BATCH_METRICS = ['loss', 'accuracy'] as const;
export type BatchMetric = (typeof BATCH_METRICS)[number];
/** The point's fields the metrics fill: a name above that is not a {@link BatchPoint} field does not compile. */
type MetricFields = Pick<BatchPoint, BatchMetric>;

/** One step's metrics as device scalars, stacked in {@link BATCH_METRICS} order. Call inside a tidy. */
export function stackBatchMetrics(metrics: Readonly<Record<BatchMetric, tf.Scalar>>): tf.Tensor1D {
  return tf.stack(BATCH_METRICS.map((name) => metrics[name])) as tf.Tensor1D;
}

/** Where a step stands, known without reading the device. */
export interface StepPlace {
  readonly step: number;
  /** Fractional epoch at the end of the step. */
  readonly epoch: number;
  readonly learningRate: number;
}

interface Pending extends StepPlace {
  readonly stats: tf.Tensor1D;
  readonly norms: tf.Tensor1D | null;
}

/** What one flush read. */
export interface FlushedMetrics {
  readonly points: BatchPoint[];
  /** Gradient norms of the steps that measured them, one per kernel in the buffer's layer order. */
  readonly gradientNorms: GradientNormPoint[];
}

/** The steps whose metrics are still on the device. Owns their tensors: `dispose` what is left. */
export class MetricsBuffer {
  private pending: Pending[] = [];

  /** @param kernelLayers the layers the gradient norms are of, in order (their count is a norm row's length). */
  constructor(readonly kernelLayers: readonly string[]) {}

  get size(): number {
    return this.pending.length;
  }

  /** Takes ownership of a step's metrics (from {@link stackBatchMetrics}) and gradient norms. */
  push(place: StepPlace, stats: tf.Tensor1D, norms: tf.Tensor1D | null = null): void {
    this.pending.push({ step: place.step, epoch: place.epoch, learningRate: place.learningRate, stats, norms });
  }

  /**
   * Reads every pending step in one bulk read and empties the buffer. `guard` wraps the read (the run's
   * interruption check). Layout: [steps × BATCH_METRICS] row by row, then one row of kernel norms per
   * step that measured them.
   */
  async flush(guard: <T>(read: Promise<T>) => Promise<T> = (read) => read): Promise<FlushedMetrics> {
    if (this.pending.length === 0) return { points: [], gradientNorms: [] };
    const batch = this.pending;
    this.pending = [];
    const withNorms = batch.filter((p) => p.norms);
    const stacked = tf.tidy(() => {
      const stats = tf.stack(batch.map((p) => p.stats));
      return withNorms.length > 0 ? tf.concat([tf.reshape(stats, [-1]), ...withNorms.map((p) => p.norms!)]) : stats;
    });
    disposeAll(batch);
    let values: Float32Array | Int32Array | Uint8Array;
    try {
      values = await guard(stacked.data());
    } finally {
      stacked.dispose();
    }
    return { points: batch.map((p, i) => pointAt(p, values, i)), gradientNorms: this.normsIn(withNorms, values, batch.length) };
  }

  private normsIn(withNorms: readonly Pending[], values: ArrayLike<number>, steps: number): GradientNormPoint[] {
    const k = this.kernelLayers.length;
    const at = BATCH_METRICS.length * steps;
    return withNorms.map((p, j) => ({
      step: p.step,
      epoch: p.epoch,
      norms: Float32Array.from((values as Float32Array).subarray(at + j * k, at + (j + 1) * k)),
    }));
  }

  dispose(): void {
    disposeAll(this.pending);
    this.pending = [];
  }
}

function pointAt(p: Pending, values: ArrayLike<number>, i: number): BatchPoint {
  const width = BATCH_METRICS.length;
  const metrics = Object.fromEntries(BATCH_METRICS.map((name, j) => [name, values[width * i + j]!])) as MetricFields;
  return { step: p.step, epoch: p.epoch, ...metrics, learningRate: p.learningRate };
}

function disposeAll(steps: readonly Pending[]): void {
  for (const p of steps) {
    p.stats.dispose();
    p.norms?.dispose();
  }
}
