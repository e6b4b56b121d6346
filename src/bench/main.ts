/**
 * The benchmark page (bench.html). It exposes `window.cnnBench` for the driver (scripts/bench.mjs),
 * and a "Run" button that runs a short benchmark in whatever browser opened the page.
 *
 * Unlike the app's UI bundle this page imports tfjs on the main thread: the naive baseline
 * (`model.fit` on the UI thread with tfjs' default backend) is what the app is compared with.
 */
import * as tf from '@tensorflow/tfjs';
import { gunzipIfNeeded, IDX_FILE_NAMES, parseIdxImages, parseIdxLabels } from '../core/data/idx';
import { buildModel } from '../core/model';
import { DEFAULT_SETTINGS } from '../core/settings';
import { DATA_BASE_URL } from '../shared/manifest';
import type { BenchBackend, BenchReplies, BenchRequest, FromBenchWorker, MemorySample, ToBenchWorker } from './protocol';
import { errorText } from '../core/errorText';
import { measureDataParallel } from './dataParallel';

type Reply<K extends BenchRequest['kind']> = BenchReplies[K];

let worker: Worker | null = null;
let nextId = 1;
const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
let onMemoryEpoch: ((sample: MemorySample) => Promise<void>) | null = null;

/** Starts a fresh benchmark worker (and ends the previous one): a cold tfjs, as after a page load. */
function open(): void {
  close();
  const w = new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module', name: 'bench' });
  w.onmessage = (event: MessageEvent<FromBenchWorker>) => {
    const m = event.data;
    if (m.type === 'memory-epoch') {
      const ack = () => w.postMessage({ type: 'continue' } satisfies ToBenchWorker);
      (onMemoryEpoch ? onMemoryEpoch(m.sample) : Promise.resolve()).then(ack, ack);
      return;
    }
    const entry = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.ok) entry?.resolve(m.result);
    else entry?.reject(new Error(m.error));
  };
  w.onerror = (event) => {
    for (const entry of waiting.values()) entry.reject(new Error(`bench worker crashed: ${event.message}`));
    waiting.clear();
  };
  worker = w;
}

function close(): void {
  worker?.terminate();
  worker = null;
  for (const entry of waiting.values()) entry.reject(new Error('bench worker closed'));
  waiting.clear();
}

function request<K extends BenchRequest['kind']>(req: Extract<BenchRequest, { kind: K }>): Promise<Reply<K>> {
  if (!worker) open();
  const id = nextId++;
  return new Promise<Reply<K>>((resolve, reject) => {
    waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
    worker!.postMessage({ type: 'request', id, request: req } satisfies ToBenchWorker);
  });
}

/** Runs the memory request, calling `window.benchHeapSample` (the driver's CDP hook) after each epoch. */
async function memory(req: Extract<BenchRequest, { kind: 'memory' }>): Promise<Reply<'memory'>> {
  const hook = (window as { benchHeapSample?: () => Promise<number | null> }).benchHeapSample;
  const heaps: (number | null)[] = [];
  onMemoryEpoch = async () => {
    heaps.push(hook ? await hook() : null);
  };
  try {
    const result = await request(req);
    // Sample 0 (before the model) has no heap reading; epoch e's reading is heaps[e − 1].
    return { samples: result.samples.map((s) => ({ ...s, heapBytes: s.epoch === 0 ? null : (heaps[s.epoch - 1] ?? null) })) };
  } finally {
    onMemoryEpoch = null;
  }
}

/** Deletes this origin's Cache Storage, so the next dataset load downloads again. */
async function clearDataCache(): Promise<void> {
  for (const key of await caches.keys()) await caches.delete(key);
}

export interface NaiveResult {
  /** The backend tfjs picked by itself on the main thread. */
  readonly backend: string;
  readonly batches: Record<string, { readonly samples: readonly number[]; readonly steps: number }>;
}

/**
 * The naive baseline: the tutorial way — all examples in one tensor, `model.compile` + `model.fit`
 * on the main thread, tfjs' default backend, the same LeNet-5 and optimizer as the app.
 */
async function naive(options: {
  batchSizes: readonly number[];
  repeats: number;
  secondsPerRepeat: number;
  examples: number;
}): Promise<NaiveResult> {
  await tf.ready();
  const fetchFile = async (name: string) =>
    gunzipIfNeeded(new Uint8Array(await (await fetch(`${DATA_BASE_URL}mnist/${name}.gz`)).arrayBuffer()), name);
  const images = parseIdxImages(await fetchFile(IDX_FILE_NAMES.trainImages), IDX_FILE_NAMES.trainImages);
  const labels = parseIdxLabels(await fetchFile(IDX_FILE_NAMES.trainLabels), IDX_FILE_NAMES.trainLabels);
  const n = Math.min(options.examples, images.count);
  const pixels = images.height * images.width;
  const x = new Float32Array(n * pixels);
  for (let i = 0; i < x.length; i++) x[i] = images.images[i]! / 255;
  const xs = tf.tensor4d(x, [n, images.height, images.width, 1]);
  const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(labels.subarray(0, n), 'int32'), 10).toFloat());
  const batches: Record<string, { samples: number[]; steps: number }> = {};
  try {
    for (const batchSize of options.batchSizes) {
      const settings = { ...DEFAULT_SETTINGS, batchSize };
      const model = buildModel(settings, { height: images.height, width: images.width, channels: 1 }, 10);
      model.compile({
        optimizer: tf.train.momentum(settings.learningRate, settings.momentum),
        loss: (yt: tf.Tensor, yp: tf.Tensor) => tf.losses.softmaxCrossEntropy(yt, yp),
        metrics: ['accuracy'],
      });
      const fit = async (steps: number) => {
        const count = Math.min(n, steps * batchSize);
        const [xb, yb] = [xs.slice(0, count), ys.slice(0, count)];
        const start = performance.now();
        await model.fit(xb, yb, { batchSize, epochs: 1, shuffle: true, verbose: 0 });
        const seconds = (performance.now() - start) / 1000;
        tf.dispose([xb, yb]);
        return count / seconds;
      };
      try {
        await fit(1);
        const warm = await fit(Math.max(2, Math.ceil(256 / batchSize)));
        const steps = Math.max(2, Math.min(Math.floor(n / batchSize), Math.round((warm * options.secondsPerRepeat) / batchSize)));
        const samples: number[] = [];
        for (let r = 0; r < options.repeats; r++) samples.push(await fit(steps));
        batches[String(batchSize)] = { samples, steps };
      } finally {
        model.dispose();
      }
    }
  } finally {
    tf.dispose([xs, ys]);
  }
  return { backend: tf.getBackend(), batches };
}

const api = { open, close, request, memory, clearDataCache, naive, dataParallel: measureDataParallel };
declare global {
  interface Window {
    cnnBench: typeof api;
  }
}
window.cnnBench = api;

// ---- The page's own short run, for browsers the driver does not control. ----

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** What "Run" measured, as the JSON the page offers to copy into a report. */
interface HereResults {
  userAgent: string;
  cores: number;
  crossOriginIsolated: boolean;
  date: string;
  probe?: Reply<'probe'> | { error: string };
  dataParallel?: { replicas: number; examplesPerSecond?: Record<string, number>; bitIdentical?: boolean; error?: string };
  backends: {
    backend: string;
    threads?: number;
    renderer?: string | null;
    reason: string;
    firstBatchMs?: number;
    examplesPerSecond?: Record<string, number>;
    error?: string;
  }[];
}

/** The short in-browser run: the app's backend probe, then each backend (and WASM per thread count). */
async function runHere(log: (line: string) => void, results: HereResults): Promise<void> {
  const cores = navigator.hardwareConcurrency || 1;
  log(
    `${cores} logical cores; page ${crossOriginIsolated ? 'cross-origin isolated (WASM threads possible)' : 'NOT cross-origin isolated (WASM on one thread)'}`,
  );
  open();
  try {
    const probe = await request({ kind: 'probe', batchSize: 32 });
    results.probe = probe;
    log(`renderer: ${probe.environment.renderer ?? 'no WebGL2'}`);
    log(`the app's measured choice (batch 32): ${probe.reason} (probe ${(probe.probeMs / 1000).toFixed(2)} s)`);
  } catch (error) {
    results.probe = { error: errorText(error) };
    log(`probe failed: ${results.probe.error}`);
  } finally {
    close();
  }
  const runs: { backend: BenchBackend; threads?: number }[] = [
    { backend: 'webgl' },
    { backend: 'webgpu' },
    { backend: 'cpu' },
    { backend: 'wasm', threads: 1 },
  ];
  if (crossOriginIsolated && cores > 1) runs.push({ backend: 'wasm', threads: cores });
  for (const { backend, threads } of runs) {
    const label = threads ? `${backend} ×${threads}` : backend;
    open();
    try {
      const init = await request({ kind: 'init', backend, ...(threads ? { threads } : {}) });
      if (init.backend !== backend) {
        log(`${label}: did not start (${init.reason})`);
        results.backends.push({ backend, reason: init.reason, error: 'did not start', ...(threads ? { threads } : {}) });
        continue;
      }
      if (init.renderer && backend !== 'wasm' && backend !== 'cpu') log(`${label}: ${init.renderer}`);
      const firstBatch = await request({ kind: 'first-batch', batchSize: 32 });
      const rates: Record<string, number> = {};
      for (const batchSize of [32, 128]) {
        const t = await request({ kind: 'throughput', batchSize, repeats: 3, secondsPerRepeat: 1.5 });
        rates[batchSize] = Math.round(median(t.samples));
      }
      log(
        `${label}: ${Object.entries(rates)
          .map(([b, r]) => `batch ${b}: ${r.toLocaleString('en-US')} examples/s`)
          .join(', ')}; first batch ${Math.round(firstBatch.ms)} ms`,
      );
      results.backends.push({
        backend,
        reason: init.reason,
        renderer: init.renderer,
        firstBatchMs: Math.round(firstBatch.ms),
        examplesPerSecond: rates,
        ...(init.threads ? { threads: init.threads.count } : {}),
      });
    } catch (error) {
      const message = errorText(error).split('\n')[0]!;
      log(`${label}: failed (${message})`);
      results.backends.push({ backend, reason: '', error: message, ...(threads ? { threads } : {}) });
    } finally {
      close();
    }
  }
  if (crossOriginIsolated && cores > 1) await runDataParallelHere(log, results, cores);
  log('done — "Copy results (JSON)" puts every figure on the clipboard');
}

/**
 * Data-parallel WASM (W replica workers × 1 thread, W the largest power of two up to the cores and 4,
 * so that it splits the batches evenly), as `npm run bench` measures it.
 */
async function runDataParallelHere(log: (line: string) => void, results: HereResults, cores: number): Promise<void> {
  let replicas = 1;
  while (replicas * 2 <= Math.min(cores, 4)) replicas *= 2;
  try {
    const r = await measureDataParallel({
      replicas,
      batchSizes: [32, 128],
      repeats: 3,
      secondsPerRepeat: 1.5,
      check: { batchSize: 32, steps: 20 },
    });
    const rates: Record<string, number> = {};
    for (const [batch, t] of Object.entries(r.training)) if ('samples' in t) rates[batch] = Math.round(median(t.samples));
    const same = 'replicasIdentical' in r.check && r.check.replicasIdentical && r.check.repeatIdentical;
    log(
      `wasm data-parallel ×${replicas} replicas: ${Object.entries(rates)
        .map(([b, v]) => `batch ${b}: ${v.toLocaleString('en-US')} examples/s`)
        .join(', ')}; replicas and reruns bit-identical: ${same ? 'yes' : 'NO'}`,
    );
    results.dataParallel = { replicas, examplesPerSecond: rates, bitIdentical: same };
  } catch (error) {
    const message = errorText(error).split('\n')[0]!;
    log(`wasm data-parallel ×${replicas}: failed (${message})`);
    results.dataParallel = { replicas, error: message };
  }
}

const button = document.getElementById('run');
const output = document.getElementById('output');
const copy = document.getElementById('copy');
let lastResults: HereResults | null = null;
if (button && output) {
  button.addEventListener('click', () => {
    button.setAttribute('disabled', '');
    copy?.setAttribute('disabled', '');
    output.textContent = '';
    const results: HereResults = {
      userAgent: navigator.userAgent,
      cores: navigator.hardwareConcurrency || 1,
      crossOriginIsolated,
      date: new Date().toISOString(),
      backends: [],
    };
    lastResults = results;
    void runHere((line) => (output.textContent += `${line}\n`), results).finally(() => {
      button.removeAttribute('disabled');
      copy?.removeAttribute('disabled');
    });
  });
}
if (copy) {
  copy.addEventListener('click', () => {
    const text = JSON.stringify(lastResults, null, 2);
    const json = document.getElementById('json');
    if (json) json.textContent = text;
    navigator.clipboard?.writeText(text).then(
      () => (copy.textContent = 'Copied'),
      () => (copy.textContent = 'Copy failed: select the JSON below'),
    );
  });
}
