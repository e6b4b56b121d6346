/**
 * The metrics buffer owns the layout of the bulk read: per-step metrics row by row, then the gradient
 * norms of the steps that measured them. These tests pin what comes out of a flush (the BatchPoints the
 * loop handed out before the buffer existed), partial flushes, and that no tensor is left behind.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BATCH_METRICS, MetricsBuffer, stackBatchMetrics } from './metricsBuffer';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** One step's metrics as the step runner leaves them: stacked device scalars. */
const stats = (loss: number, accuracy: number) =>
  tf.tidy(() => stackBatchMetrics({ loss: tf.scalar(loss), accuracy: tf.scalar(accuracy) }));

describe('metrics buffer', () => {
  it('stacks a step’s metrics in its field order: loss, then accuracy', async () => {
    expect(BATCH_METRICS).toEqual(['loss', 'accuracy']);
    const t = stats(2.25, 0.125);
    expect(Array.from(await t.data())).toEqual([2.25, 0.125]);
    t.dispose();
  });

  it('a flush gives one BatchPoint per step, in step order, with the place each step was pushed with', async () => {
    const before = tf.memory().numTensors;
    const buffer = new MetricsBuffer(['conv1', 'logits']);
    buffer.push({ step: 1, epoch: 0.25, learningRate: 0.1 }, stats(2.5, 0.125));
    buffer.push({ step: 2, epoch: 0.5, learningRate: 0.05 }, stats(1.5, 0.5));
    buffer.push({ step: 3, epoch: 0.75, learningRate: 0.025 }, stats(0.75, 0.875));
    expect(buffer.size).toBe(3);
    const { points, gradientNorms } = await buffer.flush();
    expect(points).toEqual([
      { step: 1, epoch: 0.25, loss: 2.5, accuracy: 0.125, learningRate: 0.1 },
      { step: 2, epoch: 0.5, loss: 1.5, accuracy: 0.5, learningRate: 0.05 },
      { step: 3, epoch: 0.75, loss: 0.75, accuracy: 0.875, learningRate: 0.025 },
    ]);
    // The same fields in the same order as before the split (the points go into the store and exports as they are).
    expect(Object.keys(points[0]!)).toEqual(['step', 'epoch', 'loss', 'accuracy', 'learningRate']);
    expect(gradientNorms).toEqual([]);
    expect(buffer.size).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gradient norms of the steps that measured them follow the metrics, one row per such step', async () => {
    const before = tf.memory().numTensors;
    const buffer = new MetricsBuffer(['conv1', 'conv2', 'logits']);
    buffer.push({ step: 4, epoch: 1, learningRate: 0.1 }, stats(1, 0.25), tf.tensor1d([3, 4, 5]));
    buffer.push({ step: 5, epoch: 1.5, learningRate: 0.1 }, stats(0.5, 0.5));
    buffer.push({ step: 6, epoch: 2, learningRate: 0.1 }, stats(0.25, 0.75), tf.tensor1d([6, 7, 8]));
    const { points, gradientNorms } = await buffer.flush();
    // The metrics are not shifted by the norms that follow them in the read.
    expect(points.map((p) => [p.step, p.loss, p.accuracy])).toEqual([
      [4, 1, 0.25],
      [5, 0.5, 0.5],
      [6, 0.25, 0.75],
    ]);
    expect(gradientNorms.map((g) => ({ step: g.step, epoch: g.epoch, norms: Array.from(g.norms) }))).toEqual([
      { step: 4, epoch: 1, norms: [3, 4, 5] },
      { step: 6, epoch: 2, norms: [6, 7, 8] },
    ]);
    expect(gradientNorms[0]!.norms).toBeInstanceOf(Float32Array);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a partial flush hands out only what was pushed since the last one; an empty flush reads nothing', async () => {
    const buffer = new MetricsBuffer([]);
    expect(await buffer.flush()).toEqual({ points: [], gradientNorms: [] });
    buffer.push({ step: 1, epoch: 0.5, learningRate: 1 }, stats(2, 0));
    buffer.push({ step: 2, epoch: 1, learningRate: 1 }, stats(1.75, 0.25));
    expect((await buffer.flush()).points.map((p) => p.step)).toEqual([1, 2]);
    buffer.push({ step: 3, epoch: 1.5, learningRate: 0.5 }, stats(1.25, 0.5));
    expect((await buffer.flush()).points).toEqual([{ step: 3, epoch: 1.5, loss: 1.25, accuracy: 0.5, learningRate: 0.5 }]);
    expect((await buffer.flush()).points).toEqual([]);
  });

  it('a read the run interrupts rejects and leaves no tensor behind; dispose frees what was never read', async () => {
    const before = tf.memory().numTensors;
    const buffer = new MetricsBuffer(['conv1']);
    buffer.push({ step: 1, epoch: 1, learningRate: 1 }, stats(1, 1), tf.tensor1d([2]));
    const lost = new Error('backend lost');
    await expect(buffer.flush(() => Promise.reject(lost))).rejects.toBe(lost);
    expect(tf.memory().numTensors).toBe(before);
    buffer.push({ step: 2, epoch: 2, learningRate: 1 }, stats(1, 1), tf.tensor1d([2]));
    expect(tf.memory().numTensors).toBe(before + 2);
    buffer.dispose();
    expect(buffer.size).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
  });
});
