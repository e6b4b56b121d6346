/**
 * The measured backend choice, run from the training worker: times each candidate configuration
 * (WASM ×1 thread, WASM × every core where the page is cross-origin isolated, WebGL where the browser
 * has WebGL2) for a few training steps of the run's own model and batch size, each in a throwaway
 * worker (probe.worker.ts): the workers start together, then are timed one after the other; picks the fastest (`decideBackend`) and caches the
 * outcome in Cache Storage per browser, machine state and model/batch shape (`probeKey`).
 */
import {
  decideBackend,
  probeCandidates,
  probeKey,
  probeReason,
  type ProbeCandidate,
  type ProbeEnvironment,
  type ProbeOutcome,
  type ProbeResult,
  type ProbeSettings,
} from '../core/backendChoice';
import { probeWebGL, softwareRenderer } from './backend';
import type { ProbeReply, ProbeRequest } from './probe.worker';

/**
 * Time per candidate after its warm-up, in windows taken in turn: round 1 in candidate order, round 2
 * in reverse, WebGL after all the others; a candidate's figure is its best window. Timed once for
 * 200 ms each, one after the other, the probe rated WASM ×2 threads 17–50 % below its figure in the
 * longer bench measurement (WASM ×1: 3–20 %) and kept one thread where two were 3–17 % faster.
 * Measured causes: WebGL's shader programs (its model built at start) compiling in the software GPU
 * process during the WASM windows, on both cores; each worker ended (torn down) during the next one's
 * window; and a cold start of each window (see probe.worker.ts). A step that uses both cores suffers
 * most from all three.
 */
const WINDOW_MS = 100;
const ROUNDS = 2;
/** From spawning a probe worker to its backend running (loading the worker's code included). */
const START_DEADLINE_MS = 4000;
/**
 * From the backend running to its figure. WebGL's first step compiles its shaders: a few hundred ms
 * on a GPU, seconds on a software renderer (SwiftShader, llvmpipe), where WebGL is also slower per
 * step than WASM by far. So WebGL on a renderer that names itself software is cut short early, on a
 * GPU it gets time to compile; WASM compiles nothing and is only slow on a busy machine.
 */
function stepDeadlineMs(candidate: ProbeCandidate, env: ProbeEnvironment): number {
  if (candidate.backend !== 'webgl') return 4000;
  return env.renderer !== null && softwareRenderer(env.renderer) !== null ? 400 : 2500;
}

const CACHE_NAME = 'cnn-backend-probe';
const memoryCache = new Map<string, ProbeOutcome>();
const cacheUrl = (key: string) => new URL(`/__backend-probe/${encodeURIComponent(key)}`, self.location.origin).href;

async function readCache(key: string): Promise<ProbeOutcome | null> {
  try {
    const hit = await (await caches.open(CACHE_NAME)).match(cacheUrl(key));
    if (hit) return (await hit.json()) as ProbeOutcome;
  } catch {
    // No Cache Storage (insecure context, private mode): the in-memory copy.
  }
  return memoryCache.get(key) ?? null;
}

async function writeCache(outcome: ProbeOutcome): Promise<void> {
  memoryCache.set(outcome.key, outcome);
  try {
    await (
      await caches.open(CACHE_NAME)
    ).put(cacheUrl(outcome.key), new Response(JSON.stringify(outcome), { headers: { 'Content-Type': 'application/json' } }));
  } catch {
    // Kept in memory for this worker's life.
  }
}

let environment: ProbeEnvironment | null = null;

/** This worker's machine facts (read once: a WebGL context per run start would cost time). */
export function probeEnvironment(): ProbeEnvironment {
  if (environment) return environment;
  const webgl = probeWebGL();
  environment = {
    isolated: self.crossOriginIsolated === true,
    cores: Math.max(1, navigator.hardwareConcurrency || 1),
    renderer: webgl.available ? webgl.renderer : null,
  };
  return environment;
}

/** A candidate's throwaway worker, started: `time()` times one window (never rejects); `end()` ends the worker. */
interface StartedCandidate {
  readonly candidate: ProbeCandidate;
  time(): Promise<ProbeResult>;
  end(): void;
}

/**
 * Starts a fresh worker for `candidate` (its code loaded, its backend running), resolving once it is
 * ready to be timed or with its failure. All candidates start at once; only the timing is one at a time.
 */
function startCandidate(
  candidate: ProbeCandidate,
  settings: ProbeSettings,
  wasmPath: string,
  env: ProbeEnvironment,
): Promise<StartedCandidate | ProbeResult> {
  const worker = new Worker(new URL('./probe.worker.ts', import.meta.url), { type: 'module', name: 'backend-probe' });
  const failure = (text: string): ProbeResult => ({ ...candidate, examplesPerSecond: null, firstStepMs: null, steps: 0, failure: text });
  /** Sends `request` and waits for the reply, at most `ms`; the worker ends unless it replied `started`. */
  const ask = (request: ProbeRequest, ms: number, late: string) =>
    new Promise<ProbeReply>((resolve) => {
      const done = (reply: ProbeReply) => {
        clearTimeout(timer);
        // A failure (or a late reply) ends the worker; a start or a timed window keeps it for the next.
        if (reply.type !== 'started' && !(reply.type === 'result' && reply.result.examplesPerSecond !== null)) worker.terminate();
        resolve(reply);
      };
      const timer = setTimeout(() => done({ type: 'result', result: failure(late) }), ms);
      worker.onmessage = (event: MessageEvent<ProbeReply>) => done(event.data);
      worker.onerror = (event) => {
        event.preventDefault();
        done({ type: 'result', result: failure(`failed (${event.message || 'worker error'})`) });
      };
      worker.postMessage(request);
    });
  return ask({ type: 'start', candidate, wasmPath, settings }, START_DEADLINE_MS, `did not start in ${START_DEADLINE_MS / 1000} s`).then(
    (reply) => {
      if (reply.type === 'result') return reply.result;
      const deadline = stepDeadlineMs(candidate, env);
      return {
        candidate,
        time: async () => {
          const timed = await ask({ type: 'time', stepBudgetMs: WINDOW_MS }, deadline, `slower than a step in ${deadline / 1000} s`);
          return timed.type === 'result' ? timed.result : failure('no result');
        },
        end: () => worker.terminate(),
      };
    },
  );
}

/**
 * Each started candidate timed in {@link ROUNDS} rounds of one window (the second round in reverse
 * order; WebGL after all the others), its figure its best window with the steps of all; a candidate
 * whose window fails is out (with that failure unless an earlier window gave a figure). Every worker
 * is ended once all are timed, so none is torn down during another's window.
 */
async function timeInRounds(started: readonly (StartedCandidate | ProbeResult)[]): Promise<ProbeResult[]> {
  const results: ProbeResult[] = started.map((s) =>
    'time' in s ? { ...s.candidate, examplesPerSecond: null, firstStepMs: null, steps: 0 } : s,
  );
  const live = new Set(started.flatMap((s, i) => ('time' in s ? [i] : [])));
  const webgl = (i: number) => (started[i] as StartedCandidate).candidate.backend === 'webgl';
  try {
    // WebGL last: its shader compilation keeps the GPU process busy after its window (see probe.worker.ts).
    for (const group of [(i: number) => !webgl(i), webgl])
      for (let round = 0; round < ROUNDS; round++) {
        const order = [...live].filter(group).sort((a, b) => (round % 2 === 0 ? a - b : b - a));
        for (const i of order) {
          const window = await (started[i] as StartedCandidate).time();
          const best = results[i]!;
          if (window.examplesPerSecond === null) {
            // Out; a figure from an earlier window stands.
            if (best.examplesPerSecond === null) results[i] = window;
            live.delete(i);
            continue;
          }
          const better = best.examplesPerSecond === null || window.examplesPerSecond > best.examplesPerSecond;
          results[i] = { ...(better ? window : best), steps: best.steps + window.steps };
        }
      }
  } finally {
    for (const s of started) if ('end' in s) s.end();
  }
  return results;
}

/**
 * The measured choice for `settings` on this machine: from the cache unless `fresh`, else by timing
 * every candidate (about a second). `chosen` is null only when no candidate gave a figure.
 */
export async function measureBackends(
  settings: ProbeSettings,
  wasmPath: string,
  fresh: boolean,
): Promise<
  | (ProbeOutcome & { cached: boolean })
  | { key: string; results: ProbeResult[]; chosen: null; reason: string; probeMs: number; startMs: number; cached: false }
> {
  const env = probeEnvironment();
  const key = probeKey(settings, env);
  if (!fresh) {
    const cached = await readCache(key);
    if (cached) return { ...cached, cached: true };
  }
  const start = performance.now();
  // Every candidate's worker starts at once (code, backend); once all have, each is timed alone, in turn.
  const started = await Promise.all(probeCandidates(env).map((candidate) => startCandidate(candidate, settings, wasmPath, env)));
  const startMs = performance.now() - start;
  const results = await timeInRounds(started);
  const chosen = decideBackend(results);
  const probeMs = performance.now() - start;
  const reason = probeReason(results, chosen);
  if (!chosen) return { key, results, chosen: null, reason, probeMs, startMs, cached: false };
  const outcome: ProbeOutcome = { key, results, chosen, reason, probeMs, startMs, measuredAt: Date.now() };
  await writeCache(outcome);
  return { ...outcome, cached: false };
}
