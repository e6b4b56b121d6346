/// <reference lib="webworker" />
/**
 * Times one backend configuration for the measured backend choice (see probe.ts): starts it exactly
 * as the training worker does, builds the run's model at its batch size and trains a few steps. A
 * throwaway worker per configuration, because WASM's thread count is fixed once it starts and
 * because a step that takes too long (WebGL compiling shaders on a software renderer) can only be
 * cut short by terminating the worker.
 *
 * The inputs are random pixels and labels: what a step costs does not depend on the values, and the
 * probe must not wait for a dataset download.
 */
import * as tf from '@tensorflow/tfjs';
import { inputShapeOf, type ProbeCandidate, type ProbeResult, type ProbeSettings } from '../core/backendChoice';
import { buildModel } from '../core/model';
import { createOptimizer } from '../core/optimizers';
import { DEFAULT_SETTINGS } from '../core/settings';
import { initBackend, setWasmThreads, wasmThreadInfo } from './backend';
import { errorText } from '../core/errorText';

declare const self: DedicatedWorkerGlobalScope;

export interface ProbeRequest {
  readonly candidate: ProbeCandidate;
  readonly settings: ProbeSettings;
  readonly wasmPath: string;
  /** Time spent on timed steps after the warm-up step, ms (at least two steps are timed). */
  readonly stepBudgetMs: number;
}

export type ProbeReply = { readonly type: 'started' } | { readonly type: 'result'; readonly result: ProbeResult };

const NUM_CLASSES = 10;
/** Warm-up after the first step: at least this many steps and this long. */
const WARMUP_STEPS = 2;
const WARMUP_MS = 100;

async function probe({ candidate, settings, wasmPath, stepBudgetMs }: ProbeRequest): Promise<ProbeResult> {
  const failed = (failure: string, extra: Partial<ProbeResult> = {}): ProbeResult => ({
    ...candidate,
    examplesPerSecond: null,
    firstStepMs: null,
    steps: 0,
    failure,
    ...extra,
  });
  setWasmThreads(candidate.backend === 'wasm' ? candidate.threads : 1);
  const info = await initBackend(candidate.backend, wasmPath).catch((e: unknown) => ({
    name: null,
    reason: String(e),
    renderer: undefined,
  }));
  if (info.name !== candidate.backend) return failed(`did not start (${info.reason})`);
  const renderer = info.renderer !== undefined && candidate.backend === 'webgl' ? { renderer: info.renderer } : {};
  if (candidate.backend === 'wasm' && (wasmThreadInfo()?.count ?? 1) !== candidate.threads) {
    return failed(`${wasmThreadInfo()?.count ?? 1} thread(s) started`);
  }
  self.postMessage({ type: 'started' } satisfies ProbeReply);

  const s = { ...DEFAULT_SETTINGS, ...settings };
  const model = buildModel(s, inputShapeOf(s.dataset), NUM_CLASSES);
  const optimizer = createOptimizer(s);
  const shape = inputShapeOf(s.dataset);
  const x = tf.randomUniform([s.batchSize, shape.height, shape.width, shape.channels]);
  const labels = tf.randomUniform([s.batchSize], 0, NUM_CLASSES, 'int32');
  const y = tf.oneHot(labels, NUM_CLASSES);
  const step = async () => {
    const loss = optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy<tf.Tensor, tf.Scalar>(y, model.apply(x, { training: true }) as tf.Tensor),
      true,
    );
    await loss?.data();
    loss?.dispose();
  };
  try {
    let start = performance.now();
    await step();
    const firstStepMs = performance.now() - start;
    // A fresh worker's first steps run slower (code not yet optimised, memory growing): warm up more.
    for (let i = 0; i < WARMUP_STEPS || performance.now() - start < WARMUP_MS; i++) await step();
    start = performance.now();
    let steps = 0;
    while (steps < 2 || performance.now() - start < stepBudgetMs) {
      await step();
      steps++;
    }
    const seconds = (performance.now() - start) / 1000;
    return { ...candidate, examplesPerSecond: (steps * s.batchSize) / seconds, firstStepMs, steps, ...renderer };
  } finally {
    tf.dispose([x, labels, y]);
    model.dispose();
    optimizer.dispose();
  }
}

self.onmessage = (event: MessageEvent<ProbeRequest>) => {
  probe(event.data).then(
    (result) => self.postMessage({ type: 'result', result } satisfies ProbeReply),
    (e: unknown) =>
      self.postMessage({
        type: 'result',
        result: {
          ...event.data.candidate,
          examplesPerSecond: null,
          firstStepMs: null,
          steps: 0,
          failure: errorText(e),
        },
      } satisfies ProbeReply),
  );
};
