/**
 * The measured choice of compute backend: which candidates to time, how a probe's figures become a
 * choice and a sentence for the user, and the key under which a probe's outcome is cached. Pure
 * functions, no tfjs: the worker runs the probe (src/worker/probe.ts), this decides.
 */
import type { BackendName, DatasetId, Settings } from './settings';

/** One backend configuration the probe times: WASM with a thread count, WebGL (threads = 1). */
export interface ProbeCandidate {
  readonly backend: BackendName;
  readonly threads: number;
}

/** What timing one candidate gave. */
export interface ProbeResult extends ProbeCandidate {
  /** Training examples per second after a warm-up step; null when it gave no figure (see `failure`). */
  readonly examplesPerSecond: number | null;
  /** The warm-up step (WebGL compiles its shaders here), ms; null when it did not finish. */
  readonly firstStepMs: number | null;
  /** Timed steps behind `examplesPerSecond`. */
  readonly steps: number;
  /** Why there is no figure: it did not start, failed, or not even one step finished in time. */
  readonly failure?: string;
  /** WebGL's renderer (or WebGPU's adapter), when known. */
  readonly renderer?: string;
}

/** A finished probe: the figures, the pick and the sentence shown to the user. */
export interface ProbeOutcome {
  readonly key: string;
  readonly results: readonly ProbeResult[];
  readonly chosen: ProbeCandidate;
  /** e.g. "WebGL: 98 ex/s, WASM ×1 thread: 2,010 ex/s, WASM ×2 threads: 2,900 ex/s → WASM ×2 threads" */
  readonly reason: string;
  /** Wall time of the whole probe. */
  readonly probeMs: number;
  /** Of which: until every candidate's worker had loaded and started its backend (they start together). */
  readonly startMs?: number;
  /** When it was measured (ms since the epoch), so the UI can say "measured 3 days ago". */
  readonly measuredAt: number;
}

/** The machine facts a probe's outcome depends on. */
export interface ProbeEnvironment {
  /** Cross-origin isolated: SharedArrayBuffer, hence WASM threads, available. */
  readonly isolated: boolean;
  /** navigator.hardwareConcurrency. */
  readonly cores: number;
  /** WebGL2's renderer string, or null without WebGL2. */
  readonly renderer: string | null;
}

/** Bump when the probe's method changes, so outcomes measured the old way are not reused. */
const KEY_VERSION = 3;

/** Input image shape per dataset (channels last). */
export function inputShapeOf(dataset: DatasetId): { height: number; width: number; channels: number } {
  return dataset === 'cifar10' ? { height: 32, width: 32, channels: 3 } : { height: 28, width: 28, channels: 1 };
}

/** The settings that change how much a training step computes (and nothing else). */
export type ProbeSettings = Pick<
  Settings,
  'dataset' | 'model' | 'batchSize' | 'widthMultiplier' | 'depth' | 'batchNorm' | 'residual' | 'activation' | 'pooling'
>;

/**
 * Cache key of a probe's outcome: per machine state (isolation, cores, GPU renderer) and per model
 * and batch shape. Settings that do not change a step's cost (learning rate, seed, epochs, …) are
 * not part of it, and MNIST and Fashion-MNIST (same image shape) share it.
 */
export function probeKey(s: ProbeSettings, env: ProbeEnvironment): string {
  const shape = inputShapeOf(s.dataset);
  const model = [
    s.model,
    `${shape.height}x${shape.width}x${shape.channels}`,
    `bs${s.batchSize}`,
    `wm${s.widthMultiplier}`,
    `d${s.depth}`,
    s.batchNorm ? 'bn' : '',
    s.residual ? 'res' : '',
    s.activation,
    s.pooling,
  ].join('|');
  return `v${KEY_VERSION}|${env.isolated ? 'isolated' : 'plain'}|${env.cores}c|${env.renderer ?? 'no-webgl'}|${model}`;
}

/**
 * What to time: WASM on one thread, and on every core when the page may use threads; WebGL when
 * the browser gives a WebGL2 context. Plain JS is never faster than WASM, so it is not timed.
 */
export function probeCandidates(env: ProbeEnvironment): ProbeCandidate[] {
  const out: ProbeCandidate[] = [{ backend: 'wasm', threads: 1 }];
  if (env.isolated && env.cores > 1) out.push({ backend: 'wasm', threads: env.cores });
  if (env.renderer !== null) out.push({ backend: 'webgl', threads: 1 });
  return out;
}

/**
 * Fewer threads win unless more are clearly faster (by this fraction): a thread that gains little
 * costs the page its core. With one WASM thread per core nothing is left for the page, and every
 * main-thread task then takes 2–3× its CPU time (measured on 2 cores at batch 32, every panel open:
 * 2 of 4 epochs on two threads had a task over 50 ms and took 21.7–24.7 s; 1 of 14 on one thread,
 * 16.4–19.0 s). The probe's short windows scatter by ~10 %, so at 5 % two threads won ties they lost
 * over a longer run; at batch 128 and up they are ~1.3× faster and mostly still win.
 */
export const THREADS_MARGIN = 0.15;

/** Why WASM runs on one thread when the probe also timed more (the badge's "one thread: …"). */
export const FEWER_THREADS_WHY = `more threads measured less than ${Math.round(THREADS_MARGIN * 100)} % faster here, so the page keeps a core`;

/**
 * The fastest candidate that gave a figure; null when none did. A WASM configuration with more
 * threads must beat one with fewer by `THREADS_MARGIN`.
 */
export function decideBackend(results: readonly ProbeResult[]): ProbeCandidate | null {
  type Measured = ProbeResult & { examplesPerSecond: number };
  const measured = results.filter(
    (r): r is Measured => r.examplesPerSecond !== null && Number.isFinite(r.examplesPerSecond) && r.examplesPerSecond > 0,
  );
  // WASM first settles its thread count, then the fastest backend wins.
  const wasm = measured.filter((r) => r.backend === 'wasm').sort((a, b) => a.threads - b.threads);
  let bestWasm: Measured | undefined = wasm[0];
  for (const r of wasm.slice(1)) if (bestWasm && r.examplesPerSecond > bestWasm.examplesPerSecond * (1 + THREADS_MARGIN)) bestWasm = r;
  const pool = [...measured.filter((r) => r.backend !== 'wasm'), ...(bestWasm ? [bestWasm] : [])];
  if (pool.length === 0) return null;
  const best = pool.reduce((a, b) => (b.examplesPerSecond > a.examplesPerSecond ? b : a));
  return { backend: best.backend, threads: best.threads };
}

const NAMES: Record<BackendName, string> = { wasm: 'WASM', webgl: 'WebGL', cpu: 'plain JS' };

/** "WASM ×2 threads", "WASM ×1 thread", "WebGL". */
export function candidateLabel(c: ProbeCandidate): string {
  return c.backend === 'wasm' ? `WASM ×${c.threads} thread${c.threads === 1 ? '' : 's'}` : NAMES[c.backend];
}

const perSecond = (n: number) => `${Math.round(n).toLocaleString('en-US')} ex/s`;

/** "WebGL: 98 ex/s, WASM ×2 threads: 2,900 ex/s → WASM ×2 threads"; a failure says why, shortly. */
export function probeReason(results: readonly ProbeResult[], chosen: ProbeCandidate | null): string {
  const parts = results.map(
    (r) => `${candidateLabel(r)}: ${r.examplesPerSecond !== null ? perSecond(r.examplesPerSecond) : (r.failure ?? 'no figure')}`,
  );
  return `${parts.join(', ')} → ${chosen ? candidateLabel(chosen) : 'none measured'}`;
}
