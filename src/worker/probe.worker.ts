/// <reference lib="webworker" />
/**
 * Times one backend configuration for the measured backend choice (see probe.ts): starts it exactly
 * as the training worker does, builds the run's model at its batch size and trains a few steps. A
 * throwaway worker per configuration, because WASM's thread count is fixed once it starts and
 * because a step that takes too long (WebGL compiling shaders on a software renderer) can only be
 * cut short by terminating the worker.
 *
 * Two phases, so that the candidates' workers can all start at once (load their code, start the
 * backend and, except WebGL, build the model and warm up) while only one of them at a time is timed:
 * `start` answers `started` (or a failed result); each `time` answers the result of one timing window.
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

export type ProbeRequest =
  | { readonly type: 'start'; readonly candidate: ProbeCandidate; readonly wasmPath: string; readonly settings: ProbeSettings }
  | {
      readonly type: 'time';
      /** Time spent on timed steps after the warm-up, ms (at least two steps are timed). */
      readonly stepBudgetMs: number;
    };

export type ProbeReply = { readonly type: 'started' } | { readonly type: 'result'; readonly result: ProbeResult };

const NUM_CLASSES = 10;
/**
 * Warm-up after the first step: at least this many steps and this long. A fresh worker's JavaScript
 * runs cold at first, which slows a two-thread step (less arithmetic per step) the most: with 60 ms
 * the probe rated WASM ×2 threads well below its longer bench figure at batch 32 (one thread much
 * less so); with 200 ms (and probe.ts's timing) that penalty is gone.
 */
const WARMUP_STEPS = 2;
const WARMUP_MS = 200;

const failed = (candidate: ProbeCandidate, failure: string): ProbeResult => ({
  ...candidate,
  examplesPerSecond: null,
  firstStepMs: null,
  steps: 0,
  failure,
});

/** Starts the candidate's backend: its renderer (WebGL) when it runs as asked, else the failed result. */
async function start(candidate: ProbeCandidate, wasmPath: string): Promise<{ renderer?: string } | ProbeResult> {
  setWasmThreads(candidate.backend === 'wasm' ? candidate.threads : 1);
  const info = await initBackend(candidate.backend, wasmPath).catch((e: unknown) => ({
    name: null,
    reason: String(e),
    renderer: undefined,
  }));
  if (info.name !== candidate.backend) return failed(candidate, `did not start (${info.reason})`);
  const renderer = info.renderer !== undefined && candidate.backend === 'webgl' ? { renderer: info.renderer } : {};
  if (candidate.backend === 'wasm' && (wasmThreadInfo()?.count ?? 1) !== candidate.threads) {
    return failed(candidate, `${wasmThreadInfo()?.count ?? 1} thread(s) started`);
  }
  return renderer;
}

/** The run's model at its batch size on random data, ready to step; `firstStepMs` is set once it warmed up. */
interface Bench {
  readonly batchSize: number;
  readonly step: () => Promise<void>;
  firstStepMs: number | null;
}

function prepare(settings: ProbeSettings): Bench {
  const s = { ...DEFAULT_SETTINGS, ...settings };
  const shape = inputShapeOf(s.dataset);
  const model = buildModel(s, shape, NUM_CLASSES);
  const optimizer = createOptimizer(s);
  const x = tf.randomUniform([s.batchSize, shape.height, shape.width, shape.channels]);
  const labels = tf.randomUniform([s.batchSize], 0, NUM_CLASSES, 'int32');
  const y = tf.oneHot(labels, NUM_CLASSES);
  return {
    batchSize: s.batchSize,
    firstStepMs: null,
    step: async () => {
      const loss = optimizer.minimize(
        () => tf.losses.softmaxCrossEntropy<tf.Tensor, tf.Scalar>(y, model.apply(x, { training: true }) as tf.Tensor),
        true,
      );
      await loss?.data();
      loss?.dispose();
    },
  };
}

/** The first step (WebGL compiles its shaders here), then warm-up: a fresh worker's first steps run slower. */
async function warmUp(bench: Bench): Promise<void> {
  const start = performance.now();
  await bench.step();
  bench.firstStepMs = performance.now() - start;
  for (let i = 0; i < WARMUP_STEPS || performance.now() - start < WARMUP_MS; i++) await bench.step();
}

/**
 * Times training steps for about `stepBudgetMs` (at least two): one window. The model stays for the
 * next window; the worker's end (the parent terminates it) frees everything.
 */
async function time(candidate: ProbeCandidate, renderer: { renderer?: string }, bench: Bench, stepBudgetMs: number): Promise<ProbeResult> {
  // After waiting its turn, one untimed step: WASM's helper threads fall asleep while idle and the first
  // step wakes them, which a training loop (never idle) does not pay.
  if (bench.firstStepMs === null) await warmUp(bench);
  else await bench.step();
  const start = performance.now();
  let steps = 0;
  while (steps < 2 || performance.now() - start < stepBudgetMs) {
    await bench.step();
    steps++;
  }
  const seconds = (performance.now() - start) / 1000;
  return { ...candidate, examplesPerSecond: (steps * bench.batchSize) / seconds, firstStepMs: bench.firstStepMs, steps, ...renderer };
}

let started: { candidate: ProbeCandidate; renderer: { renderer?: string }; settings: ProbeSettings; bench: Bench | null } | null = null;

async function handle(request: ProbeRequest): Promise<ProbeReply> {
  if (request.type === 'start') {
    const outcome = await start(request.candidate, request.wasmPath);
    if ('failure' in outcome) return { type: 'result', result: outcome };
    started = { candidate: request.candidate, renderer: outcome, settings: request.settings, bench: null };
    // WASM (and plain JS) build their model and warm up while the other candidates start. WebGL builds
    // its model only when it is timed (last): its shader programs compile in the GPU process, which on
    // a software renderer takes seconds of both cores and would slow the other candidates' timing.
    if (request.candidate.backend !== 'webgl') await warmUp((started.bench = prepare(request.settings)));
    return { type: 'started' };
  }
  if (!started) throw new Error('timed before it started');
  started.bench ??= prepare(started.settings);
  return { type: 'result', result: await time(started.candidate, started.renderer, started.bench, request.stepBudgetMs) };
}

self.onmessage = (event: MessageEvent<ProbeRequest>) => {
  handle(event.data).then(
    (reply) => self.postMessage(reply),
    (e: unknown) => {
      const candidate =
        started?.candidate ?? (event.data.type === 'start' ? event.data.candidate : { backend: 'wasm' as const, threads: 1 });
      self.postMessage({ type: 'result', result: failed(candidate, errorText(e)) } satisfies ProbeReply);
    },
  );
};
