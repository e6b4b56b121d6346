#!/usr/bin/env node
/**
 * `npm run bench`: measures the app in headless Chromium (or any server given with --url) and writes
 * bench-results/bench-<time>.json (every sample) and .md (the tables), then prints the tables.
 *
 *   node scripts/bench.mjs [--url http://host:port/] [--quick] [--out dir] [--label name]
 *                          [--skip-torch] [--skip-ui] [--skip-naive] [--backends webgl,wasm,cpu]
 *                          [--skip-data] [--skip-variants] [--skip-data-parallel]
 *
 * What runs where:
 * - bench.html + src/bench/bench.worker.ts: the app's own backend start-up, dataset loading, training
 *   loop and evaluation in a Web Worker, one fresh worker per backend: training throughput at each
 *   batch size, time to the first finished batch, inference, tensors and worker heap per epoch.
 * - bench.html + src/bench/replica.worker.ts: data-parallel training, W = 1 … cores replica workers on one
 *   WASM thread each, averaging gradients over a SharedArrayBuffer (src/core/training/dataParallel.ts).
 * - bench.html's main thread: the naive baseline (tfjs `model.fit`, no worker, default backend).
 * - the real app (index.html): UI responsiveness during a training epoch (long tasks, frame rate,
 *   chart updates), Train → first batch as the user gets it.
 * - scripts/bench-torch.py: the same model in native PyTorch on the CPU (2 threads), when installed.
 * Every figure is the median of several timed repeats after warm-up; ratios come from the same run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH, WEBGPU_ARGS } from '../e2e/browser-flags.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PYTHON = '/usr/bin/python3';

// ---------- options ----------

function parseArgs(argv) {
  const options = {
    url: null,
    quick: false,
    out: path.join(ROOT, 'bench-results'),
    label: '',
    torch: true,
    ui: true,
    naive: true,
    backends: null,
    uiOnly: false,
    uiRuns: null,
    data: true,
    variants: true,
    dataParallel: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--url') options.url = value();
    else if (arg.startsWith('--url=')) options.url = arg.slice(6);
    else if (arg === '--quick') options.quick = true;
    else if (arg === '--out') options.out = path.resolve(value());
    else if (arg === '--label') options.label = value();
    else if (arg === '--skip-torch') options.torch = false;
    else if (arg === '--skip-ui') options.ui = false;
    else if (arg === '--ui-only') options.uiOnly = true;
    else if (arg === '--ui-runs') options.uiRuns = Number(value());
    else if (arg === '--skip-naive') options.naive = false;
    else if (arg === '--backends') options.backends = value().split(',');
    else if (arg === '--skip-data') options.data = false;
    else if (arg === '--skip-variants') options.variants = false;
    else if (arg === '--skip-data-parallel') options.dataParallel = false;
    else if (arg === '--help' || arg === '-h') {
      console.log(
        'usage: node scripts/bench.mjs [--url URL] [--quick] [--out DIR] [--label NAME] [--skip-torch] [--skip-ui] [--skip-naive] [--backends webgl,wasm,cpu] [--skip-data] [--skip-variants] [--skip-data-parallel] [--ui-only] [--ui-runs N]',
      );
      process.exit(0);
    } else throw new Error(`unknown option ${arg} (see --help)`);
  }
  if (options.url && !options.url.endsWith('/')) options.url += '/';
  return options;
}

/** How much to measure: the full run takes minutes on 2 cores; --quick is a smoke run of every part. */
const PLANS = {
  full: {
    backends: ['webgl', 'wasm', 'cpu', 'webgpu'],
    batchSizes: [32, 128, 512],
    // WebGPU on SwiftShader runs ~10 examples/s: batch 32 only, and no 10k-image inference pass.
    backendBatchSizes: { webgpu: [32] },
    repeats: 3,
    secondsPerRepeat: 2.5,
    inferenceRepeats: { webgl: 2, wasm: 5, cpu: 2, webgpu: 0 },
    memory: {
      epochs: 10,
      batchSize: 32,
      examples: { webgl: 256, wasm: 2048, cpu: 128, webgpu: 64 },
      testImages: { webgl: 200, wasm: 1000, cpu: 200, webgpu: 64 },
    },
    dataRepeats: 3,
    datasets: ['mnist', 'fashion'],
    naiveExamples: 8192,
    uiQuery: 'val=0&ep=1&bs=32',
    // Data-parallel: the correctness run (twice per W) before the throughput repeats.
    dataParallelCheck: { batchSize: 32, steps: 100 },
    // The issue's target: no long task in three consecutive measurements, every panel open.
    uiRuns: 3,
  },
  quick: {
    backends: ['webgl', 'wasm', 'cpu', 'webgpu'],
    batchSizes: [32],
    backendBatchSizes: {},
    repeats: 1,
    secondsPerRepeat: 0.5,
    inferenceRepeats: { webgl: 1, wasm: 1, cpu: 1, webgpu: 0 },
    memory: {
      epochs: 3,
      batchSize: 32,
      examples: { webgl: 64, wasm: 256, cpu: 64, webgpu: 32 },
      testImages: { webgl: 100, wasm: 200, cpu: 100, webgpu: 32 },
    },
    dataRepeats: 1,
    datasets: ['mnist'],
    naiveExamples: 1024,
    uiQuery: 'val=0&ep=1&bs=32&n=1500',
    dataParallelCheck: { batchSize: 32, steps: 20 },
    uiRuns: 1,
  },
};

// ---------- small helpers ----------

const median = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const int = (v) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '–');
const fixed = (v, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '–');
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(a / b < 1 ? 2 : 1)}×` : '–');
const mb = (bytes) => (Number.isFinite(bytes) ? `${(bytes / 1e6).toFixed(1)} MB` : '–');
const log = (line) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Serves dist/ with `vite preview` (what `npm start` serves); returns its URL and a stop function. */
async function startServer() {
  if (!existsSync(path.join(ROOT, 'dist', 'bench.html')))
    throw new Error('dist/bench.html is missing: run `npm run build` first (npm run bench does).');
  if (!existsSync(path.join(ROOT, 'dist', 'data', 'manifest.json')))
    throw new Error('dist/data/manifest.json is missing: run `npm run prepare-data`, then `npm run bench` again.');
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(url)).ok) return { url, stop: () => child.kill() };
    } catch {
      // not up yet
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill();
  throw new Error(`vite preview did not start:\n${output}`);
}

/** Heap of a worker target through the DevTools protocol (after a forced GC), in bytes. */
async function workerHeapProbe(browser, urlPart) {
  const cdp = await browser.newBrowserCDPSession();
  const { targetInfos } = await cdp.send('Target.getTargets');
  const target = targetInfos.filter((t) => t.type === 'worker' && t.url.includes(urlPart)).at(-1);
  if (!target) return { sample: async () => null, dispose: async () => cdp.detach() };
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false });
  let id = 0;
  const pending = new Map();
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const m = JSON.parse(e.message);
    pending.get(m.id)?.(m);
    pending.delete(m.id);
  });
  const call = (method, params = {}) =>
    new Promise((resolve) => {
      const i = ++id;
      pending.set(i, resolve);
      void cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: i, method, params }) });
    });
  return {
    sample: async () => {
      await call('HeapProfiler.collectGarbage');
      const reply = await call('Runtime.getHeapUsage');
      return reply.result?.usedSize ?? null;
    },
    dispose: async () => cdp.detach().catch(() => undefined),
  };
}

async function pageHeap(page) {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  } finally {
    await cdp.detach();
  }
}

// ---------- the measurements ----------

async function measureBackend(browser, page, backend, plan) {
  const out = { backend, started: false };
  await page.evaluate(() => window.cnnBench.open());
  try {
    const init = await page.evaluate((b) => window.cnnBench.request({ kind: 'init', backend: b }), backend);
    out.init = init;
    if (init.backend !== backend) {
      out.skipped = `did not start: ${init.reason}`;
      log(`${backend}: ${out.skipped}`);
      return out;
    }
    out.started = true;
    await page.evaluate(() => window.cnnBench.request({ kind: 'load', dataset: 'mnist' }));
    const first = await page.evaluate((bs) => window.cnnBench.request({ kind: 'first-batch', batchSize: bs }), plan.batchSizes[0]);
    out.firstBatchMs = first.ms;
    log(
      `${backend}: started in ${fixed(init.seconds, 2)} s (${init.reason}${init.threads ? `; ${init.threads.count} thread(s)${init.threads.why ? `: ${init.threads.why}` : ''}` : ''}${init.renderer ? `; renderer ${init.renderer}` : ''}); first batch ${int(first.ms)} ms`,
    );
    out.training = {};
    for (const batchSize of plan.backendBatchSizes[backend] ?? plan.batchSizes) {
      const t = await page.evaluate((r) => window.cnnBench.request(r), {
        kind: 'throughput',
        batchSize,
        repeats: plan.repeats,
        secondsPerRepeat: plan.secondsPerRepeat,
      });
      out.training[batchSize] = { ...t, median: median(t.samples) };
      log(
        `${backend} batch ${batchSize}: ${int(median(t.samples))} examples/s (${t.samples.map(int).join(', ')}; ${t.steps} steps per repeat; tensors ${t.tensorsBefore} → ${t.tensorsAfter})`,
      );
    }
    if (plan.inferenceRepeats[backend] > 0) {
      const inference = await page.evaluate(
        (r) => window.cnnBench.request({ kind: 'inference', repeats: r }),
        plan.inferenceRepeats[backend],
      );
      out.inference = { ...inference, median: median(inference.samples) };
      log(`${backend}: inference ${int(out.inference.median)} images/s`);
    }

    const heap = await workerHeapProbe(browser, 'bench.worker');
    await page.exposeFunction(`benchHeap_${backend}`, () => heap.sample()).catch(() => undefined);
    const memory = await page.evaluate(
      async ({ b, req }) => {
        window.benchHeapSample = window[`benchHeap_${b}`];
        return window.cnnBench.memory(req);
      },
      {
        b: backend,
        req: {
          kind: 'memory',
          epochs: plan.memory.epochs,
          examples: plan.memory.examples[backend],
          batchSize: plan.memory.batchSize,
          testImages: plan.memory.testImages[backend],
        },
      },
    );
    await heap.dispose();
    out.memory = memory.samples;
    const e1 = memory.samples.find((s) => s.epoch === 1);
    const eN = memory.samples.at(-1);
    log(
      `${backend}: tensors after epoch 1 / ${eN.epoch}: ${e1?.numTensors} / ${eN.numTensors}; worker heap ${mb(e1?.heapBytes)} / ${mb(eN.heapBytes)}`,
    );
  } catch (error) {
    out.error = String(error?.message ?? error).split('\n')[0];
    log(`${backend}: FAILED ${out.error}`);
  } finally {
    await page.evaluate(() => window.cnnBench.close()).catch(() => undefined);
  }
  return out;
}

/**
 * WASM thread scaling: training throughput with 1, 2, 4, … threads up to the machine's cores, each
 * in a fresh worker (tfjs fixes the count when WASM starts). Needs a cross-origin isolated page.
 */
async function measureThreadScaling(page, plan, cores) {
  const counts = [];
  for (let t = 1; t < cores; t *= 2) counts.push(t);
  counts.push(cores);
  const out = { cores, rows: [] };
  for (const threads of counts) {
    await page.evaluate(() => window.cnnBench.open());
    try {
      const init = await page.evaluate((t) => window.cnnBench.request({ kind: 'init', backend: 'wasm', threads: t }), threads);
      out.isolated = init.isolated;
      if (init.backend !== 'wasm' || (init.threads?.count ?? 1) !== threads) {
        out.rows.push({
          threads,
          skipped: `${init.threads?.count ?? 1} thread(s) started${init.threads?.why ? `: ${init.threads.why}` : ''}`,
        });
        log(`wasm ×${threads}: ${out.rows.at(-1).skipped}`);
        continue;
      }
      await page.evaluate(() => window.cnnBench.request({ kind: 'load', dataset: 'mnist' }));
      const training = {};
      for (const batchSize of plan.batchSizes) {
        const t = await page.evaluate((r) => window.cnnBench.request(r), {
          kind: 'throughput',
          batchSize,
          repeats: plan.repeats,
          secondsPerRepeat: plan.secondsPerRepeat,
        });
        training[batchSize] = { samples: t.samples, median: median(t.samples) };
      }
      out.rows.push({ threads, training });
      log(`wasm ×${threads} thread(s): ${plan.batchSizes.map((bs) => `batch ${bs} ${int(training[bs].median)}`).join(', ')} examples/s`);
    } catch (error) {
      out.rows.push({ threads, error: String(error?.message ?? error).split('\n')[0] });
      log(`wasm ×${threads}: FAILED ${out.rows.at(-1).error}`);
    } finally {
      await page.evaluate(() => window.cnnBench.close()).catch(() => undefined);
    }
  }
  return out;
}

/**
 * Data-parallel WASM training: W = 1 … cores replica workers, one WASM thread each, every step averaging
 * the replicas' slice gradients over a SharedArrayBuffer (src/bench/dataParallel.ts). Per W: a correctness
 * run (twice, from the same seed; W > 1 compared with W = 1), then throughput at each batch size as above.
 */
async function measureDataParallel(page, plan, cores) {
  const out = { cores, rows: [] };
  for (let replicas = 1; replicas <= cores; replicas++) {
    try {
      const row = await page.evaluate((o) => window.cnnBench.dataParallel(o), {
        replicas,
        batchSizes: plan.batchSizes,
        repeats: plan.repeats,
        secondsPerRepeat: plan.secondsPerRepeat,
        check: plan.dataParallelCheck,
      });
      for (const t of Object.values(row.training)) if (t.samples) t.median = median(t.samples);
      out.rows.push(row);
      const c = row.check;
      log(
        `data-parallel W=${replicas} (×${row.threadsPerReplica} thread each; isolated ${row.isolated}): ${plan.batchSizes
          .map((bs) => `batch ${bs} ${row.training[bs]?.skipped ?? int(row.training[bs]?.median)}`)
          .join(', ')} examples/s`,
      );
      if (c.skipped) log(`data-parallel W=${replicas} check: ${c.skipped}`);
      else
        log(
          `data-parallel W=${replicas} check (${c.steps} steps at batch ${c.batchSize}): loss ${fixed(lossAt(c.losses, 'first'), 3)} → ${fixed(lossAt(c.losses, 'last'), 3)}; replicas identical ${c.replicasIdentical}; same seed twice identical ${c.repeatIdentical}${c.vsOneReplica ? `; vs W=1: max |Δw| ${c.vsOneReplica.maxAbsDiff.toExponential(2)}, ${c.vsOneReplica.differing} of ${c.vsOneReplica.params} values differ` : ''}`,
        );
    } catch (error) {
      out.rows.push({ replicas, error: String(error?.message ?? error).split('\n')[0] });
      log(`data-parallel W=${replicas}: FAILED ${out.rows.at(-1).error}`);
    }
  }
  return out;
}

/** Mean loss of the first or last 10 steps of a check run. */
function lossAt(losses, which) {
  const part = which === 'first' ? losses.slice(0, 10) : losses.slice(-10);
  return part.length ? part.reduce((a, b) => a + b, 0) / part.length : NaN;
}

/**
 * The app's measured backend choice as a first visit runs it: each probe in a fresh page (its own
 * browser context, no cached outcome), after two idle seconds so that the workers of what was measured
 * before are gone; `runs` probes one after another. The first one's figures fill the table; every
 * probe's figures, pick and time are listed under it.
 */
async function measureProbe(browser, url, batchSize, runs = 3) {
  const probes = [];
  for (let i = 0; i < runs; i++) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${url}bench.html`);
      await page.waitForFunction(() => 'cnnBench' in window, null, { timeout: 30_000 });
      await page.evaluate(() => window.cnnBench.open());
      const start = Date.now();
      const probe = await page.evaluate((bs) => window.cnnBench.request({ kind: 'probe', batchSize: bs }), batchSize);
      log(
        `backend probe ${i + 1}/${runs} (batch ${batchSize}, fresh page): ${probe.reason} in ${fixed(probe.probeMs / 1000, 2)} s (workers starting: ${probe.startMs === null ? '–' : fixed(probe.startMs / 1000, 2)} s; ${fixed((Date.now() - start) / 1000, 2)} s with the worker's start); renderer ${probe.environment.renderer ?? 'none'}; isolated ${probe.environment.isolated}; ${probe.environment.cores} cores`,
      );
      probes.push(probe);
    } catch (error) {
      const message = String(error?.message ?? error).split('\n')[0];
      log(`backend probe FAILED: ${message}`);
      probes.push({ error: message });
    } finally {
      await context.close().catch(() => undefined);
    }
  }
  const first = probes[0];
  return { batchSize, ...first, repeats: probes.map((p) => (p.error ? { error: p.error } : { reason: p.reason, probeMs: p.probeMs })) };
}

async function measureData(page, plan) {
  const out = {};
  for (const dataset of plan.datasets) {
    const cold = [];
    const cached = [];
    let error = null;
    for (let r = 0; r < plan.dataRepeats; r++) {
      try {
        await page.evaluate(() => window.cnnBench.clearDataCache());
        await page.evaluate(() => window.cnnBench.open());
        cold.push((await page.evaluate((d) => window.cnnBench.request({ kind: 'load', dataset: d }), dataset)).seconds);
        // A new worker has nothing in memory: the second load reads Cache Storage.
        await page.evaluate(() => window.cnnBench.open());
        cached.push((await page.evaluate((d) => window.cnnBench.request({ kind: 'load', dataset: d }), dataset)).seconds);
      } catch (e) {
        error = String(e?.message ?? e).split('\n')[0];
        break;
      }
    }
    await page.evaluate(() => window.cnnBench.close());
    out[dataset] = { cold, cached, coldMedian: median(cold), cachedMedian: median(cached), ...(error ? { error } : {}) };
    log(
      error
        ? `data ${dataset}: FAILED ${error}`
        : `data ${dataset}: ${fixed(median(cold), 2)} s from the server, ${fixed(median(cached), 2)} s from Cache Storage`,
    );
  }
  return out;
}

async function measureNaive(page, plan) {
  try {
    const result = await page.evaluate((o) => window.cnnBench.naive(o), {
      batchSizes: plan.batchSizes,
      repeats: plan.repeats,
      secondsPerRepeat: plan.secondsPerRepeat,
      examples: plan.naiveExamples,
    });
    for (const [bs, r] of Object.entries(result.batches)) {
      r.median = median(r.samples);
      log(`naive main-thread model.fit (${result.backend}) batch ${bs}: ${int(r.median)} examples/s`);
    }
    return result;
  } catch (error) {
    const message = String(error?.message ?? error).split('\n')[0];
    log(`naive baseline FAILED: ${message}`);
    return { error: message };
  }
}

/**
 * Before/after of the optimisations, in the same run: WASM training with the kernels tfjs ships (plus
 * our Conv2DBackpropFilter, which it lacks) against ours; and on WebGL with and without
 * WEBGL_USE_SHAPES_UNIFORMS: throughput, and a step at a new batch shape (an epoch's smaller last batch).
 */
async function measureVariants(page, plan) {
  const out = { wasmShipped: null, webglNewShape: {} };
  const inWorker = async (init, body) => {
    await page.evaluate(() => window.cnnBench.open());
    try {
      const started = await page.evaluate((r) => window.cnnBench.request(r), { kind: 'init', ...init });
      if (started.backend !== init.backend) return { skipped: started.reason };
      await page.evaluate(() => window.cnnBench.request({ kind: 'load', dataset: 'mnist' }));
      return await body();
    } catch (error) {
      return { error: String(error?.message ?? error).split('\n')[0] };
    } finally {
      await page.evaluate(() => window.cnnBench.close()).catch(() => undefined);
    }
  };
  if (plan.backends.includes('wasm')) {
    out.wasmShipped = await inWorker({ backend: 'wasm', shippedKernels: true }, async () => {
      const training = {};
      for (const batchSize of plan.batchSizes) {
        const t = await page.evaluate((r) => window.cnnBench.request(r), {
          kind: 'throughput',
          batchSize,
          repeats: plan.repeats,
          secondsPerRepeat: plan.secondsPerRepeat,
        });
        training[batchSize] = { samples: t.samples, median: median(t.samples) };
        log(`wasm with the shipped kernels, batch ${batchSize}: ${int(training[batchSize].median)} examples/s`);
      }
      return { training };
    });
  }
  if (plan.backends.includes('webgl')) {
    for (const uniforms of [true, false]) {
      out.webglNewShape[uniforms ? 'on' : 'off'] = await inWorker(
        { backend: 'webgl', flags: { WEBGL_USE_SHAPES_UNIFORMS: uniforms } },
        async () => {
          const firstMs = (await page.evaluate(() => window.cnnBench.request({ kind: 'first-batch', batchSize: 32 }))).ms;
          const newShapeMs = (await page.evaluate(() => window.cnnBench.request({ kind: 'first-batch', batchSize: 31 }))).ms;
          const t = await page.evaluate((r) => window.cnnBench.request(r), {
            kind: 'throughput',
            batchSize: 32,
            repeats: plan.repeats,
            secondsPerRepeat: plan.secondsPerRepeat,
          });
          const examplesPerSecond = median(t.samples);
          log(
            `webgl, WEBGL_USE_SHAPES_UNIFORMS ${uniforms}: first step ${int(firstMs)} ms, then a step at a new batch shape ${int(newShapeMs)} ms; ${int(examplesPerSecond)} examples/s at batch 32`,
          );
          return { firstMs, newShapeMs, examplesPerSecond };
        },
      );
    }
  }
  return out;
}

/** One run of scripts/bench-torch.py with OpenMP's wait policy `policy` ('default' leaves it unset). */
function torchOnce(plan, policy) {
  const data = ['dist/data/mnist', 'public/data/mnist'].map((d) => path.join(ROOT, d)).find((d) => existsSync(d)) ?? '';
  const args = [
    path.join(ROOT, 'scripts', 'bench-torch.py'),
    '--batch-sizes',
    plan.batchSizes.join(','),
    '--repeats',
    String(plan.repeats),
    '--seconds',
    String(plan.secondsPerRepeat),
    '--threads',
    '2',
    '--data',
    data,
  ];
  const env = { ...process.env };
  if (policy === 'default') delete env.OMP_WAIT_POLICY;
  else env.OMP_WAIT_POLICY = policy;
  const run = spawnSync(PYTHON, args, { encoding: 'utf8', timeout: 15 * 60_000, env });
  const line = (run.stdout ?? '').trim().split('\n').at(-1) ?? '';
  try {
    const result = JSON.parse(line);
    if (result.skipped) return { skipped: `${result.skipped} (Debian: apt-get install python3-torch)` };
    if (run.status !== 0) throw new Error(`exit ${run.status}`);
    return result;
  } catch {
    return { skipped: `the PyTorch reference failed (exit ${run.status}): ${(run.stderr ?? '').trim().split('\n').at(-1) ?? ''}` };
  }
}

/**
 * The native reference at its best on this machine. OpenMP's default spin-waiting is fastest on a
 * quiet machine but collapses (to ~5–25 % of its speed, measured) when anything else wants a core;
 * passive waiting holds up under load. Both run, before and after the browser (`earlier` is the
 * first half), and each batch size takes the faster policy's median: our ratio is to the best.
 */
function measureTorch(plan, earlier = null) {
  if (!existsSync(PYTHON)) return { skipped: `${PYTHON} not found (Debian: apt-get install python3-torch)` };
  const runs = { ...(earlier?.policies ?? {}) };
  for (const policy of ['default', 'PASSIVE']) {
    const result = torchOnce(plan, policy);
    if (result.skipped) return result;
    const before = runs[policy];
    const training = {};
    for (const [bs, t] of Object.entries(result.training)) {
      const samples = [...(before?.training[bs]?.samples ?? []), ...t.samples];
      training[bs] = {
        samples,
        median: median(samples),
        firstBatchMs: Math.min(t.firstBatchMs, before?.training[bs]?.firstBatchMs ?? Infinity),
      };
    }
    const inference = [...(before?.inference?.samples ?? []), ...(result.inference?.samples ?? [])];
    runs[policy] = {
      version: result.version,
      threads: result.threads,
      training,
      inference: { samples: inference, median: median(inference) },
    };
  }
  const all = Object.entries(runs);
  const [, any] = all[0];
  const best = (pick) =>
    all
      .map(([policy, r]) => ({ policy, ...pick(r) }))
      .filter((x) => Number.isFinite(x.median))
      .sort((a, b) => b.median - a.median)[0] ?? null;
  const training = {};
  for (const bs of plan.batchSizes) training[bs] = best((r) => r.training[bs] ?? {});
  return {
    version: any.version,
    threads: any.threads,
    runs: earlier ? 2 : 1,
    training,
    inference: best((r) => r.inference),
    policies: runs,
  };
}

/**
 * The renderer main thread's tasks in a Chromium trace: the longest by wall time (with its CPU time),
 * the longest by CPU time, counts over 50 ms, and the main thread's CPU use per second.
 */
const PAGE_WORK = new Set([
  'FunctionCall',
  'RunMicrotasks',
  'TimerFire',
  'FireAnimationFrame',
  'HandlePostMessage',
  'EventDispatch',
  'EvaluateScript',
  'ParseHTML',
  'UpdateLayoutTree',
  'Layout',
  'PrePaint',
  'Paint',
  'Commit',
  'MinorGC',
  'MajorGC',
]);

/** Whether a page-work event (sorted by start) lies inside `task`. */
function hasWork(work, task) {
  let lo = 0;
  let hi = work.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (work[mid].ts < task.ts) lo = mid + 1;
    else hi = mid;
  }
  return lo < work.length && work[lo].ts <= task.ts + task.dur;
}

function mainThreadTasks(buffer) {
  try {
    const { traceEvents } = JSON.parse(buffer.toString());
    const names = new Map();
    for (const e of traceEvents) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args?.name);
    const onMain = traceEvents.filter((e) => e.ph === 'X' && names.get(`${e.pid}:${e.tid}`) === 'CrRendererMain');
    // Tasks that did the page's work (script, rendering, GC), not the tracer's own start and stop.
    const work = onMain.filter((e) => PAGE_WORK.has(e.name)).sort((a, b) => a.ts - b.ts);
    const tasks = onMain.filter((e) => e.name === 'RunTask' && hasWork(work, e));
    if (tasks.length === 0) return { error: 'no main-thread tasks in the trace' };
    const first = Math.min(...tasks.map((e) => e.ts));
    const last = Math.max(...tasks.map((e) => e.ts + e.dur));
    const ms = (us) => us / 1000;
    const byWall = tasks.reduce((a, b) => (b.dur > a.dur ? b : a));
    const byCpu = tasks.reduce((a, b) => ((b.tdur ?? 0) > (a.tdur ?? 0) ? b : a));
    return {
      tasks: tasks.length,
      longestWallMs: ms(byWall.dur),
      longestWallCpuMs: ms(byWall.tdur ?? NaN),
      longestCpuMs: ms(byCpu.tdur ?? NaN),
      wallOver50: tasks.filter((e) => e.dur > 50_000).length,
      cpuOver50: tasks.filter((e) => (e.tdur ?? 0) > 50_000).length,
      cpuMsPerSecond: ms(tasks.reduce((a, e) => a + (e.tdur ?? 0), 0)) / (ms(last - first) / 1000),
    };
  } catch (error) {
    return { error: String(error?.message ?? error) };
  }
}

/** The real app: one training epoch, watched from the page (long tasks, frames, chart updates). */
async function measureUi(browser, url, plan, traced = false) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.addInitScript(() => {
    const b = { clickAt: null, firstBatchAt: null, trainingAt: null, doneAt: null, longtasks: [], frames: [], chartUpdates: [] };
    window.__uiBench = b;
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) b.longtasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    } catch {
      b.longtaskUnsupported = true;
    }
    const frame = (t) => {
      b.frames.push(t);
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    // The first batch message as the UI thread receives it, without touching the app's code.
    const NativeWorker = window.Worker;
    window.Worker = class extends NativeWorker {
      constructor(...args) {
        super(...args);
        this.addEventListener('message', (e) => {
          if (e.data?.type === 'batches' && b.firstBatchAt === null) b.firstBatchAt = performance.now();
        });
      }
    };
    document.addEventListener(
      'click',
      (e) => {
        if (e.target instanceof Element && e.target.closest('[data-testid="start-training"]')) b.clickAt = performance.now();
      },
      true,
    );
    new MutationObserver((records) => {
      for (const r of records) {
        const el = r.target;
        if (!(el instanceof Element)) continue;
        if (el.getAttribute('data-testid') === 'chart-loss' && r.attributeName === 'data-points') b.chartUpdates.push(performance.now());
        if (el.getAttribute('data-testid') === 'run-status' && r.attributeName === 'data-state') {
          const state = el.getAttribute('data-state');
          if (state === 'training' && b.trainingAt === null) b.trainingAt = performance.now();
          if ((state === 'done' || state === 'error') && b.doneAt === null) b.doneAt = performance.now();
        }
      }
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-points', 'data-state'] });
  });
  try {
    await page.goto(`${url}?${plan.uiQuery}`);
    await page.getByTestId('backend').and(page.locator('[data-value]:not([data-value=""])')).waitFor({ timeout: 60_000 });
    const backend = await page.getByTestId('backend').getAttribute('data-value');
    const backendReason = await page
      .getByTestId('backend')
      .locator('..')
      .innerText()
      .catch(() => '');
    // Every panel open: the inside-the-network panels (the charts are always shown).
    const toggle = page.getByTestId('panels-toggle-all');
    if ((await toggle.innerText()).includes('Open all')) await toggle.click();
    await page.getByText('Close all').waitFor({ timeout: 10_000 });
    const heapBefore = await pageHeap(page);
    await page.getByTestId('start-training').click();
    // A trace of the training itself (from the first batch the UI receives): each main-thread task's
    // wall time and its CPU time. On a busy 2-core machine the two differ by the time the main
    // thread waited for a core while the worker trained.
    // Tracing itself costs main-thread time (starting it blocks the page for ~100–200 ms), so the
    // traced epoch is a second one and the figures above come from an untraced epoch.
    let mainTasks = null;
    if (traced) {
      await page.waitForFunction(() => window.__uiBench.firstBatchAt !== null || window.__uiBench.doneAt !== null, null, {
        timeout: 10 * 60_000,
        polling: 50,
      });
      await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
      let trace = null;
      try {
        await page.waitForFunction(() => window.__uiBench.doneAt !== null, null, { timeout: 30 * 60_000, polling: 500 });
      } finally {
        trace = await browser.stopTracing();
      }
      mainTasks = mainThreadTasks(trace);
    } else {
      await page.waitForFunction(() => window.__uiBench.doneAt !== null, null, { timeout: 30 * 60_000, polling: 500 });
    }
    const heapAfter = await pageHeap(page);
    const state = await page.getByTestId('run-status').getAttribute('data-state');
    const b = await page.evaluate(() => window.__uiBench);
    const from = b.firstBatchAt ?? b.trainingAt;
    const seconds = (b.doneAt - from) / 1000;
    const during = (t) => t >= from && t <= b.doneAt;
    const tasks = b.longtasks.filter((t) => t.start + t.duration >= b.clickAt);
    const trainingTasks = b.longtasks.filter((t) => during(t.start));
    const out = {
      backend,
      backendReason,
      panels: 'all open',
      state,
      query: plan.uiQuery,
      trainingSeconds: seconds,
      clickToFirstBatchMs: b.firstBatchAt !== null ? b.firstBatchAt - b.clickAt : null,
      longtaskSupported: !b.longtaskUnsupported,
      longestTaskMs: Math.max(0, ...trainingTasks.map((t) => t.duration)),
      tasksOver50: trainingTasks.filter((t) => t.duration > 50).length,
      longestTaskFromClickMs: Math.max(0, ...tasks.map((t) => t.duration)),
      ...(traced ? { trace: mainTasks } : {}),
      framesPerSecond: b.frames.filter(during).length / seconds,
      chartUpdatesPerSecond: b.chartUpdates.filter(during).length / seconds,
      mainHeapBefore: heapBefore,
      mainHeapAfter: heapAfter,
    };
    log(
      `UI (${backend}${traced ? ', traced epoch' : ''}): longest task while training ${int(out.longestTaskMs)} ms, ${out.tasksOver50} over 50 ms in ${fixed(seconds)} s; ${fixed(out.framesPerSecond)} frames/s; ${fixed(out.chartUpdatesPerSecond, 2)} chart updates/s; Train → first batch ${int(out.clickToFirstBatchMs)} ms`,
    );
    const t = out.trace;
    if (traced && t && !t.error)
      log(
        `UI trace: longest task ${int(t.longestWallMs)} ms wall / ${int(t.longestWallCpuMs)} ms CPU; longest CPU ${int(t.longestCpuMs)} ms; over 50 ms: ${t.wallOver50} wall, ${t.cpuOver50} CPU; main thread ${int(t.cpuMsPerSecond)} ms CPU per s`,
      );
    else if (t?.error) log(`UI trace failed: ${t.error}`);
    return out;
  } catch (error) {
    const message = String(error?.message ?? error).split('\n')[0];
    log(`UI measurement FAILED: ${message}`);
    return { error: message };
  } finally {
    await context.close();
  }
}

// ---------- report ----------

const BACKEND_LABEL = {
  webgl: 'tfjs WebGL, worker',
  wasm: 'tfjs WASM (SIMD), worker',
  cpu: 'tfjs plain JS, worker',
  webgpu: 'tfjs WebGPU, worker; bench only',
};

/** The data-parallel tables: examples/s per W × batch, ratios to PyTorch and to WASM ×2 threads, the checks. */
function dataParallelMarkdown(report, plan, torch) {
  const dp = report.dataParallel;
  const bss = plan.batchSizes;
  const lines = [];
  const threaded =
    report.threads?.rows.find((r) => r.threads === 2 && r.training)?.training ??
    report.backends?.find((b) => b.backend === 'wasm' && b.init?.threads?.count === 2)?.training;
  const one = report.threads?.rows.find((r) => r.threads === 1 && r.training)?.training;
  lines.push(
    `### Data-parallel WASM training (examples/s; W replica workers × 1 WASM thread, gradients averaged over a SharedArrayBuffer; ${dp.cores} cores)`,
    '',
  );
  const cols = (f) => bss.map((b) => f(b)).join(' | ');
  lines.push(
    `| replicas W | ${cols((b) => `batch ${b}`)} | ${cols((b) => `÷ PyTorch, batch ${b}`)} | ${cols((b) => `÷ WASM ×2 threads, batch ${b}`)} |`,
    `| --- | ${cols(() => '---')} | ${cols(() => '---')} | ${cols(() => '---')} |`,
  );
  for (const r of dp.rows) {
    if (r.error) {
      lines.push(`| ${r.replicas} | failed: ${r.error} | ${bss.map(() => '').join(' | ')} |`);
      continue;
    }
    const rate = (b) => r.training[b]?.median ?? NaN;
    lines.push(
      `| ${r.replicas} | ${cols((b) => (r.training[b]?.skipped ? 'split unequal' : int(rate(b))))} | ${cols((b) => ratio(rate(b), torch?.training[b]?.median ?? NaN))} | ${cols((b) => ratio(rate(b), threaded?.[b]?.median ?? NaN))} |`,
    );
  }
  const ref = (name, t) => `${name} ${bss.map((b) => int(t?.[b]?.median ?? NaN)).join(' / ')}`;
  lines.push(
    '',
    `References from this run (batch ${bss.join(' / ')}): ${[ref('WASM ×1 thread', one), ref('WASM ×2 threads', threaded), ref('PyTorch', torch?.training)].join('; ')}.`,
    '',
  );
  lines.push(
    '| W | check run | loss, first → last 10 steps | replicas bit-identical | same seed twice bit-identical | against W = 1 after the check run | tensors before → after (timed repeats) |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const r of dp.rows.filter((x) => !x.error)) {
    const c = r.check;
    const tensors = bss
      .map((b) => (r.training[b]?.samples ? `${r.training[b].tensorsBefore} → ${r.training[b].tensorsAfter}` : '–'))
      .join(', ');
    const identical = bss.every((b) => r.training[b]?.replicasIdentical !== false);
    if (c.skipped) {
      lines.push(`| ${r.replicas} | ${c.skipped} | | ${identical ? 'yes' : '**no**'} | | | ${tensors} |`);
      continue;
    }
    const vs = c.vsOneReplica;
    const against =
      r.replicas === 1
        ? '(the reference)'
        : vs
          ? `max abs difference ${vs.maxAbsDiff.toExponential(2)}; ${int(vs.differing)} of ${int(vs.params)} values differ`
          : '–';
    lines.push(
      `| ${r.replicas} | ${c.steps} steps, batch ${c.batchSize}, seed ${c.seed} | ${fixed(lossAt(c.losses, 'first'), 3)} → ${fixed(lossAt(c.losses, 'last'), 3)} | ${c.replicasIdentical && identical ? 'yes' : '**no**'} | ${c.repeatIdentical ? 'yes' : '**no**'} | ${against} | ${tensors} |`,
    );
  }
  lines.push(
    '',
    "Where a replica's step goes (ms per step, replica 0, timed repeats): slice forward + backward with the gradient copied to its slot / waiting at the barrier / averaging + update.",
    '',
  );
  lines.push(`| W | ${cols((b) => `batch ${b}`)} |`, `| --- | ${cols(() => '---')} |`);
  for (const r of dp.rows.filter((x) => !x.error)) {
    const cell = (b) => {
      const p = r.training[b]?.phasesPerStep?.[0];
      return p ? `${fixed(p.gradientMs, 2)} / ${fixed(p.waitMs, 2)} / ${fixed(p.applyMs, 2)}` : '–';
    };
    lines.push(`| ${r.replicas} | ${cols(cell)} |`);
  }
  lines.push('');
  return lines;
}

function markdown(report) {
  const { plan, backends, torch, naive, ui, data, environment } = report;
  const lines = [];
  const torchOk = torch && !torch.skipped;
  const naiveOk = naive && !naive.error;
  lines.push(`### Training throughput, examples/s (median of ${plan.repeats} after warm-up)`, '');
  lines.push(
    `${environment.chromium}; ${environment.cpus} CPU cores; ${environment.date}${report.label ? `; ${report.label}` : ''}${plan.quick ? '; **--quick run**' : ''}`,
    '',
  );
  const head = ['path', ...plan.batchSizes.map((b) => `batch ${b}`), 'Train → first batch', 'inference (10k test images)'];
  lines.push(`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`);
  for (const b of backends) {
    const software = b.init?.renderer && /swiftshader/i.test(b.init.renderer);
    const threads = b.init?.threads?.count;
    const name =
      software && b.backend === 'webgl'
        ? 'tfjs WebGL (SwiftShader, software), worker'
        : software && b.backend === 'webgpu'
          ? 'tfjs WebGPU (SwiftShader, software), worker; bench only'
          : b.backend === 'wasm' && threads
            ? `tfjs WASM (SIMD, ×${threads} thread${threads === 1 ? '' : 's'}), worker`
            : BACKEND_LABEL[b.backend];
    if (!b.started || b.error) {
      lines.push(`| ${name} | ${plan.batchSizes.map(() => '–').join(' | ')} | ${b.skipped ?? b.error ?? ''} | |`);
      continue;
    }
    const cells = plan.batchSizes.map((bs) => int(b.training?.[bs]?.median));
    lines.push(`| ${name} | ${cells.join(' | ')} | ${int(b.firstBatchMs)} ms | ${int(b.inference?.median)}/s |`);
  }
  if (naiveOk)
    lines.push(
      `| naive: tfjs \`model.fit\` on the main thread (default backend: ${naive.backend}) | ${plan.batchSizes.map((bs) => int(naive.batches[bs]?.median)).join(' | ')} | | |`,
    );
  if (torchOk) {
    lines.push(
      `| native PyTorch ${torch.version} CPU, ${torch.threads} threads (faster of OpenMP's default and passive waiting) | ${plan.batchSizes.map((bs) => int(torch.training[bs]?.median)).join(' | ')} | ${int(torch.training[plan.batchSizes[0]]?.firstBatchMs)} ms | ${int(torch.inference?.median)}/s |`,
    );
  }
  lines.push('');
  if (!torchOk) lines.push(`PyTorch reference skipped: ${torch?.skipped ?? 'disabled (--skip-torch)'}.`, '');
  if (!naiveOk) lines.push(`Naive baseline ${naive?.error ? `failed: ${naive.error}` : 'skipped (--skip-naive)'}.`, '');

  lines.push('### Ratios (same run)', '');
  const rhead = ['path', ...plan.batchSizes.flatMap((b) => [`÷ PyTorch, batch ${b}`, `÷ naive, batch ${b}`])];
  lines.push(`| ${rhead.join(' | ')} |`, `| ${rhead.map(() => '---').join(' | ')} |`);
  for (const b of backends.filter((x) => x.started && !x.error)) {
    const cells = plan.batchSizes.flatMap((bs) => [
      ratio(b.training?.[bs]?.median, torchOk ? torch.training[bs]?.median : NaN),
      ratio(b.training?.[bs]?.median, naiveOk ? naive.batches[bs]?.median : NaN),
    ]);
    lines.push(`| ${b.backend} | ${cells.join(' | ')} |`);
  }
  lines.push('');

  const th = report.threads;
  if (th) {
    lines.push(
      `### WASM thread scaling (examples/s; ${th.cores} cores; page ${th.isolated ? 'cross-origin isolated' : 'NOT cross-origin isolated: one thread only'})`,
      '',
    );
    lines.push(
      `| threads | ${plan.batchSizes.map((b) => `batch ${b}`).join(' | ')} | ${plan.batchSizes.map((b) => `÷ 1 thread, batch ${b}`).join(' | ')} | ${plan.batchSizes.map((b) => `÷ PyTorch, batch ${b}`).join(' | ')} |`,
    );
    lines.push(
      `| --- | ${plan.batchSizes.map(() => '---').join(' | ')} | ${plan.batchSizes.map(() => '---').join(' | ')} | ${plan.batchSizes.map(() => '---').join(' | ')} |`,
    );
    const one = th.rows.find((r) => r.threads === 1 && r.training)?.training;
    for (const r of th.rows) {
      if (!r.training) {
        lines.push(
          `| ${r.threads} | ${r.skipped ?? r.error} | ${plan.batchSizes
            .slice(1)
            .map(() => '')
            .join(' | ')}${plan.batchSizes.map(() => ' |').join('')}${plan.batchSizes.map(() => ' |').join('')}`,
        );
        continue;
      }
      const cells = plan.batchSizes.map((bs) => int(r.training[bs]?.median));
      const scale = plan.batchSizes.map((bs) => ratio(r.training[bs]?.median, one?.[bs]?.median));
      const vsTorch = plan.batchSizes.map((bs) => ratio(r.training[bs]?.median, torchOk ? torch.training[bs]?.median : NaN));
      lines.push(`| ${r.threads} | ${cells.join(' | ')} | ${scale.join(' | ')} | ${vsTorch.join(' | ')} |`);
    }
    lines.push('');
  }
  if (report.dataParallel) lines.push(...dataParallelMarkdown(report, plan, torchOk ? torch : null));
  const pr = report.probe;
  if (pr) {
    lines.push(`### Measured backend choice (what the app's 'auto' does on a first visit; LeNet-5, batch ${pr.batchSize})`, '');
    if (pr.error) lines.push(`Probe failed: ${pr.error}`, '');
    else {
      lines.push('| configuration | examples/s in the probe | warm-up step | note |', '| --- | --- | --- | --- |');
      for (const r of pr.results)
        lines.push(
          `| ${r.backend === 'wasm' ? `WASM ×${r.threads}` : r.backend === 'webgl' ? 'WebGL' : r.backend} | ${int(r.examplesPerSecond ?? NaN)} | ${r.firstStepMs === null ? '–' : `${int(r.firstStepMs)} ms`} | ${r.failure ?? ''}${r.renderer ? ` ${r.renderer}` : ''} |`,
        );
      lines.push(
        '',
        `Pick: **${pr.reason.split('→').at(-1).trim()}**, probe time ${fixed(pr.probeMs / 1000, 2)} s (of which ${pr.startMs == null ? '–' : fixed(pr.startMs / 1000, 2)} s for the candidates' workers to start, together); renderer: ${pr.environment.renderer ?? 'no WebGL2'}; ${pr.environment.isolated ? 'cross-origin isolated' : 'not isolated'}; ${pr.environment.cores} cores.`,
        '',
      );
      if ((pr.repeats ?? []).length > 1) {
        lines.push(`Every probe of this run, each in a fresh page, one after another (the table is the first):`, '');
        pr.repeats.forEach((r, i) =>
          lines.push(`${i + 1}. ${r.error ? `failed: ${r.error}` : `${r.reason} in ${fixed(r.probeMs / 1000, 2)} s`}`),
        );
        lines.push('');
      }
    }
  }

  const v = report.variants;
  if (v) {
    const wasmAfter = backends.find((b) => b.backend === 'wasm' && b.started && !b.error);
    const shape = (k) => v.webglNewShape?.[k];
    lines.push('### Before → after (same run)', '');
    lines.push('| change | measured | before | after |', '| --- | --- | --- | --- |');
    if (v.wasmShipped?.training && wasmAfter) {
      const fmt = (t) => plan.batchSizes.map((bs) => int(t?.[bs]?.median)).join(' / ');
      lines.push(
        `| WASM training kernels: tfjs 4.22's (+ our Conv2DBackpropFilter, which it lacks) → ours | examples/s at batch ${plan.batchSizes.join(' / ')} | ${fmt(v.wasmShipped.training)} | ${fmt(wasmAfter.training)} |`,
      );
    } else if (v.wasmShipped)
      lines.push(`| WASM training kernels | examples/s | ${v.wasmShipped.skipped ?? v.wasmShipped.error ?? '–'} | |`);
    if (shape('off')?.newShapeMs !== undefined && shape('on')?.newShapeMs !== undefined) {
      // The app went from shape uniforms on (before) to tfjs's default, off (after): a trade.
      lines.push(
        `| WebGL \`WEBGL_USE_SHAPES_UNIFORMS\` on → off (tfjs's default; the app's choice) | examples/s at batch 32 | ${int(shape('on').examplesPerSecond)} | ${int(shape('off').examplesPerSecond)} |`,
      );
      lines.push(
        `| (the same) | a step at a new batch shape (an epoch's smaller last batch; once per run), after a first step at batch 32 (${int(shape('on').firstMs)} / ${int(shape('off').firstMs)} ms) | ${int(shape('on').newShapeMs)} ms | ${int(shape('off').newShapeMs)} ms |`,
      );
    }
    lines.push('');
  }

  lines.push('### Memory: tensors and heap after each epoch (must stay flat)', '');
  lines.push(
    '| backend | examples × epochs | tensors after epoch 1 → last | tensor bytes 1 → last | worker JS heap 1 → last (after GC) |',
    '| --- | --- | --- | --- | --- |',
  );
  for (const b of backends.filter((x) => x.memory)) {
    const e1 = b.memory.find((s) => s.epoch === 1);
    const eN = b.memory.at(-1);
    lines.push(
      `| ${b.backend} | ${int(plan.memory.examples[b.backend])} × ${eN.epoch} | ${e1.numTensors} → ${eN.numTensors} | ${int(e1.numBytes)} → ${int(eN.numBytes)} | ${mb(e1.heapBytes)} → ${mb(eN.heapBytes)} |`,
    );
  }
  lines.push('');

  if (ui && !ui.error) {
    lines.push(
      `### UI responsiveness while training (the app, backend ${ui.backend}, \`?${ui.query}\`, ${fixed(ui.trainingSeconds)} s of training)`,
      '',
    );
    lines.push(`Every "inside the network" panel open; ${(ui.runs ?? [ui]).length} consecutive measurement(s), one row each.`, '');
    lines.push(
      '| run | longest main-thread task | tasks over 50 ms | frames/s | chart updates/s | Train → first batch on the UI thread | main-thread heap before → after |',
      '| --- | --- | --- | --- | --- | --- | --- |',
    );
    (ui.runs ?? [ui]).forEach((u, i) => {
      if (u.error) lines.push(`| ${i + 1} | failed: ${u.error} | | | | | |`);
      else
        lines.push(
          `| ${i + 1} | ${int(u.longestTaskMs)} ms | ${u.tasksOver50} | ${fixed(u.framesPerSecond)} | ${fixed(u.chartUpdatesPerSecond, 2)} | ${int(u.clickToFirstBatchMs)} ms (dataset download and parse included) | ${mb(u.mainHeapBefore)} → ${mb(u.mainHeapAfter)} |`,
        );
    });
    lines.push('');
    const t = ui.trace;
    if (t && !t.error) {
      lines.push(
        "Wall time against CPU time of the main thread's tasks, from a Chromium trace of a second epoch like the first (on 2 shared cores a task's wall time includes waiting for a core while the worker trains):",
        '',
      );
      lines.push(
        '| longest task: wall / its CPU | longest task by CPU | tasks over 50 ms: wall / CPU | main-thread CPU while training |',
        '| --- | --- | --- | --- |',
      );
      lines.push(
        `| ${int(t.longestWallMs)} ms / ${int(t.longestWallCpuMs)} ms | ${int(t.longestCpuMs)} ms | ${t.wallOver50} / ${t.cpuOver50} | ${int(t.cpuMsPerSecond)} ms per s |`,
        '',
      );
    } else if (t?.error) lines.push(`Trace of the main thread failed: ${t.error}`, '');
  } else if (ui?.error) lines.push(`UI measurement failed: ${ui.error}`, '');

  if (data) {
    lines.push('### Data: load and decode in the worker (fetch, gunzip, parse)', '');
    lines.push('| dataset | from the server (cache cleared) | from Cache Storage |', '| --- | --- | --- |');
    for (const [id, d] of Object.entries(data))
      lines.push(`| ${id} | ${d.error ? d.error : `${fixed(d.coldMedian, 2)} s`} | ${d.error ? '' : `${fixed(d.cachedMedian, 2)} s`} |`);
    lines.push('');
  }
  const margin = report.probe?.threadsMargin;
  const keeps =
    margin === undefined
      ? 'keeps all threads only where its probe measured them clearly faster than one'
      : `keeps all threads only where its probe measured them at least ${Math.round(margin * 100)} % faster than one`;
  lines.push(
    `WASM rows: tfjs's threaded SIMD build with one thread per core where the page is cross-origin isolated (the servers send COOP/COEP), as the app starts it; the app's 'auto' then ${keeps}. WebGPU is measured here only: the app does not offer it.`,
  );
  return lines.join('\n');
}

// ---------- main ----------

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const plan = { ...(options.quick ? PLANS.quick : PLANS.full), quick: options.quick };
  if (options.backends) plan.backends = options.backends;
  const started = Date.now();
  const server = options.url ? null : await startServer();
  const url = options.url ?? server.url;
  log(`${options.quick ? 'quick' : 'full'} run against ${url}`);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...WEBGPU_ARGS], headless: true });
  const report = { label: options.label, url, plan, environment: {} };
  try {
    report.environment = {
      chromium: `Chromium ${browser.version()}`,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? '',
      node: process.version,
      platform: `${os.type()} ${os.release()}`,
      date: new Date().toISOString().slice(0, 16).replace('T', ' '),
      commit: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim(),
      dirty: spawnSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim() !== '',
    };
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('pageerror', (e) => log(`bench page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().includes('404')) log(`bench console: ${m.text().slice(0, 300)}`);
    });
    await page.goto(`${url}bench.html`);
    await page.waitForFunction(() => 'cnnBench' in window, null, { timeout: 30_000 });

    let torchFirst = null;
    if (options.uiOnly) {
      options.torch = false;
      plan.backends = [];
    }
    if (options.torch) {
      log('PyTorch reference (1 of 2)…');
      torchFirst = measureTorch(plan);
      if (torchFirst.skipped) log(`PyTorch reference skipped: ${torchFirst.skipped}`);
    }
    report.data = options.uiOnly || !options.data ? null : await measureData(page, plan);
    report.backends = [];
    for (const backend of plan.backends) report.backends.push(await measureBackend(browser, page, backend, plan));
    if (!options.uiOnly && plan.backends.includes('wasm')) {
      report.threads = await measureThreadScaling(page, plan, report.environment.cpus);
      if (options.dataParallel) report.dataParallel = await measureDataParallel(page, plan, report.environment.cpus);
      report.probe = await measureProbe(browser, url, plan.batchSizes[0], options.quick ? 1 : 3);
    }
    report.naive = options.naive && !options.uiOnly ? await measureNaive(page, plan) : null;
    report.variants = options.uiOnly || !options.variants ? null : await measureVariants(page, plan);
    await context.close();
    if (options.torch && !torchFirst?.skipped) {
      log('PyTorch reference (2 of 2)…');
      report.torch = measureTorch(plan, torchFirst);
      if (report.torch.skipped) log(`PyTorch reference skipped: ${report.torch.skipped}`);
      else
        for (const [bs, t] of Object.entries(report.torch.training))
          log(`PyTorch batch ${bs}: ${int(t?.median)} examples/s (OpenMP ${t?.policy}: ${(t?.samples ?? []).map(int).join(', ')})`);
    } else report.torch = torchFirst;
    if (options.ui) {
      const runs = [];
      for (let r = 0; r < (options.uiRuns ?? plan.uiRuns); r++) runs.push(await measureUi(browser, url, plan));
      const ok = runs.filter((u) => !u.error);
      report.ui =
        ok.length === 0
          ? runs[0]
          : {
              ...ok[0],
              runs,
              longestTaskMs: Math.max(...ok.map((u) => u.longestTaskMs)),
              tasksOver50: Math.max(...ok.map((u) => u.tasksOver50)),
              framesPerSecond: Math.min(...ok.map((u) => u.framesPerSecond)),
            };
      if (ok.length > 0) report.ui.trace = (await measureUi(browser, url, plan, true)).trace ?? null;
    } else report.ui = null;
  } finally {
    await browser.close();
    server?.stop();
  }
  report.seconds = (Date.now() - started) / 1000;
  const md = markdown(report);
  mkdirSync(options.out, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const base = path.join(options.out, `bench-${options.quick ? 'quick-' : ''}${options.label ? `${options.label}-` : ''}${stamp}`);
  writeFileSync(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(`${base}.md`, `${md}\n`);
  writeFileSync(path.join(options.out, `latest${options.quick ? '-quick' : ''}.json`), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(path.join(options.out, `latest${options.quick ? '-quick' : ''}.md`), `${md}\n`);
  console.log(`\n${md}\n`);
  log(`written ${path.relative(ROOT, base)}.json and .md in ${fixed(report.seconds, 0)} s`);
  const failed = report.backends.filter((b) => b.error).length + (report.ui?.error ? 1 : 0) + (report.naive?.error ? 1 : 0);
  if (failed > 0 || (!options.uiOnly && !report.backends.some((b) => b.started))) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
