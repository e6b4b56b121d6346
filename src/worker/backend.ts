/**
 * Chooses and starts the tfjs compute backend inside the training worker.
 *
 * What is fast depends on the machine, not on the browser: on a real GPU WebGL wins by far, but
 * without one the browser emulates WebGL in software (SwiftShader, llvmpipe) and WASM is ~8× faster
 * (measured: 1,650 vs 164 examples/s for LeNet-5). 'auto' therefore reads the WebGL renderer string.
 * Every step checks what tfjs actually did: `tf.setBackend` resolves `false` instead of throwing,
 * and a failed backend leaves tfjs to pick one by itself at the next op.
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { registerWasmTrainingKernels } from '../core/wasmKernels';
import type { BackendChoice, BackendName } from '../core/settings';
import { errorText } from '../core/errorText';

export type { BackendName } from '../core/settings';

/** The backend that runs, and why, in words the UI can show as they are. */
export interface BackendInfo {
  name: BackendName;
  /** One short sentence, e.g. "auto: WebGL renderer is software (SwiftShader) — WASM is ~8× faster here". */
  reason: string;
  /** WebGL's unmasked renderer string, when a WebGL2 context could be made. */
  renderer?: string;
}

/** What a throwaway WebGL2 context says about the GPU. */
export type WebGLProbe = { available: true; renderer: string; software: string | null } | { available: false; why: string };

/** Renderer strings of CPU emulations of WebGL, with the name shown to the user. */
const SOFTWARE_RENDERERS: readonly [RegExp, string][] = [
  [/swiftshader/i, 'SwiftShader'],
  [/llvmpipe/i, 'llvmpipe'],
  [/softpipe/i, 'softpipe'],
  [/microsoft basic render/i, 'Microsoft Basic Render Driver'],
  [/software/i, 'software renderer'],
];

/** Names the software renderer in `renderer`, or null for a hardware GPU. */
export function softwareRenderer(renderer: string): string | null {
  for (const [pattern, name] of SOFTWARE_RENDERERS) if (pattern.test(renderer)) return name;
  return null;
}

/** Opens a 1×1 WebGL2 context on an OffscreenCanvas (workers have no `document`) to read the renderer. */
export function probeWebGL(): WebGLProbe {
  try {
    if (typeof OffscreenCanvas === 'undefined') return { available: false, why: 'OffscreenCanvas is not supported in workers here' };
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
    if (!gl) return { available: false, why: 'the browser gave no WebGL2 context' };
    try {
      const info = gl.getExtension('WEBGL_debug_renderer_info');
      // Without the extension (Firefox may hide it) RENDERER is a generic name, still often telling.
      const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? 'unknown');
      return { available: true, renderer, software: softwareRenderer(renderer) };
    } finally {
      // Browsers cap live WebGL contexts; free this one now rather than at garbage collection.
      gl.getExtension('WEBGL_lose_context')?.loseContext();
    }
  } catch (e) {
    return { available: false, why: message(e) };
  }
}

function message(e: unknown): string {
  const text = errorText(e);
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}

/**
 * Switches tfjs to `name` and proves it computes. Returns null on success, else why it failed.
 * Never leaves tfjs on a half-initialised backend without the caller knowing.
 */
async function tryBackend(name: BackendName): Promise<string | null> {
  try {
    if (!(await tf.setBackend(name))) return 'it failed to initialise';
    if (tf.getBackend() !== name) return `tfjs switched to ${tf.getBackend()} instead`;
    // A first op catches backends that start but cannot run (lost context, missing kernels).
    const value = tf.tidy(() => tf.square(tf.scalar(3)).dataSync()[0]);
    return value === 9 ? null : `a test computation gave ${String(value)}`;
  } catch (e) {
    return message(e);
  }
}

let wasmSimd: boolean | null = null;
/** tfjs allows setting the path only before the first initialisation attempt, even a failed one. */
let wasmPrefix: string | null = null;

/** How many threads the WASM backend computes on, and why not more. */
export interface WasmThreads {
  readonly count: number;
  /** Why it runs on one thread, when it does; null when threaded. */
  readonly why: string | null;
}
let wasmThreads: WasmThreads | null = null;
/** Thread count asked for (null: one per logical core); tfjs reads it once, when WASM starts. */
let wantedThreads: number | null = null;

/**
 * Sets the WASM backend's thread count (1 = the single-threaded SIMD build). Takes effect only if
 * called before WASM starts in this worker: tfjs builds its thread pool once.
 */
export function setWasmThreads(count: number | null): void {
  wantedThreads = count;
}

/** The WASM backend's threads once it started in this worker, else null. */
export function wasmThreadInfo(): WasmThreads | null {
  return wasmThreads;
}

/**
 * Why the threaded WASM build cannot run here, or null if it can. It needs SharedArrayBuffer, which
 * browsers give only to cross-origin isolated pages (COOP/COEP headers), and more than one core.
 */
export function threadsUnavailable(isolated: boolean, cores: number, wanted: number | null): string | null {
  if (wanted === 1) return 'one thread asked for';
  if (!isolated)
    return 'the page is not cross-origin isolated (the server sends no COOP/COEP headers), so the browser allows no shared memory';
  if (cores < 2) return 'this machine reports one core';
  return null;
}

async function startWasm(wasmPath: string): Promise<string | null> {
  let threaded = false;
  try {
    if (wasmPrefix === null) {
      wasmPrefix = wasmPath.endsWith('/') ? wasmPath : `${wasmPath}/`;
      setWasmPaths(wasmPrefix);
    }
    const cores = Math.max(1, navigator.hardwareConcurrency || 1);
    const why = threadsUnavailable(self.crossOriginIsolated === true, cores, wantedThreads);
    if (why !== null) {
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      wasmThreads = { count: 1, why };
    } else {
      // tfjs checks SharedArrayBuffer and shared WebAssembly memory itself.
      threaded = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) as boolean;
      if (threaded) setThreadsCount(wantedThreads ?? cores);
      else wasmThreads = { count: 1, why: 'this browser has no shared WebAssembly memory' };
    }
    registerWasmTrainingKernels();
    wasmSimd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
    // The threaded binary is a SIMD build: without SIMD tfjs takes the plain one-thread binary.
    if (threaded && !wasmSimd) wasmThreads = { count: 1, why: 'this browser has no WebAssembly SIMD, and the threaded build needs it' };
  } catch (e) {
    return message(e);
  }
  // tfjs's C++ caps its thread pool at navigator.hardwareConcurrency / 2 (read once, when the module
  // starts), assuming two logical cores per physical one: on a 2-core machine that is one thread.
  // For the count asked for to take effect, the module is shown twice that many while it starts.
  const restore = threaded && wasmSimd ? reportCores(2 * (wantedThreads ?? Math.max(1, navigator.hardwareConcurrency || 1))) : () => {};
  let failed: string | null;
  try {
    failed = await tryBackend('wasm');
  } finally {
    restore();
  }
  if (failed !== null) return diagnoseWasm(wasmPrefix, failed);
  if (threaded && wasmSimd) {
    const count = getThreadsCount();
    wasmThreads = { count, why: count > 1 ? null : 'tfjs started one thread' };
  }
  return null;
}

/** Makes `navigator.hardwareConcurrency` read `cores` until the returned function is called. */
function reportCores(cores: number): () => void {
  try {
    Object.defineProperty(navigator, 'hardwareConcurrency', { configurable: true, get: () => cores });
    return () => void delete (navigator as { hardwareConcurrency?: number }).hardwareConcurrency;
  } catch {
    return () => {};
  }
}

/** tfjs only logs why wasm failed; the usual cause, a binary not served, is worth naming. */
async function diagnoseWasm(prefix: string, fallback: string): Promise<string> {
  const file =
    wasmSimd === false
      ? 'tfjs-backend-wasm.wasm'
      : wasmThreads === null || wasmThreads.count > 1
        ? 'tfjs-backend-wasm-threaded-simd.wasm'
        : 'tfjs-backend-wasm-simd.wasm';
  try {
    const response = await fetch(prefix + file, { method: 'HEAD' });
    return response.ok ? fallback : `${file} is not served at ${prefix} (HTTP ${response.status})`;
  } catch (e) {
    return `${file} could not be fetched from ${prefix} (${message(e)})`;
  }
}

/**
 * WebGL keeps tfjs's default of shapes compiled into the shaders (WEBGL_USE_SHAPES_UNIFORMS off):
 * each new batch shape (an epoch's smaller last batch, the evaluation batches) compiles its programs
 * once per run, a few seconds on a software renderer, but every step runs 20–40 % faster than with
 * shapes as uniforms (measured by `npm run bench`, SwiftShader).
 */
function startWebGL(): Promise<string | null> {
  return tryBackend('webgl');
}

const LABEL: Record<BackendName, string> = { webgl: 'WebGL', wasm: 'WASM', cpu: 'plain JS' };

const start = (name: BackendName, wasmPath: string): Promise<string | null> =>
  name === 'webgl' ? startWebGL() : name === 'wasm' ? startWasm(wasmPath) : tryBackend('cpu');

/**
 * Picks, initialises and verifies the compute backend.
 *
 * - `auto`: WebGL on a hardware GPU; WASM (SIMD, single-threaded) on a software renderer or without
 *   WebGL2; then whatever else starts (software WebGL still beats plain JS about 2×).
 * - an explicit choice is tried first, and on failure the others in the same order.
 *
 * Resolves with the backend that runs and a reason sentence; rejects only if not even the plain JS
 * backend starts.
 *
 * @param wasmPath URL of the folder that serves the `tfjs-backend-wasm*.wasm` files.
 */
export async function initBackend(choice: BackendChoice, wasmPath: string): Promise<BackendInfo> {
  const probe = probeWebGL();
  const renderer = probe.available ? { renderer: probe.renderer } : {};
  const hardwareGpu = probe.available && probe.software === null;
  const webglNote = !probe.available
    ? `WebGL unavailable (${probe.why})`
    : probe.software
      ? `WebGL renderer is software (${probe.software})`
      : `GPU ${short(probe.renderer)}`;

  const preferred: BackendName = choice !== 'auto' ? choice : hardwareGpu ? 'webgl' : 'wasm';
  const order: BackendName[] = [preferred, ...(hardwareGpu ? (['webgl', 'wasm', 'cpu'] as const) : (['wasm', 'webgl', 'cpu'] as const))]
    // Software WebGL only as a last resort before plain JS, and not at all when WebGL cannot start.
    .filter((name, i, all) => all.indexOf(name) === i && (name !== 'webgl' || probe.available || i === 0));

  const failures: string[] = [];
  for (const name of order) {
    const failed = await start(name, wasmPath);
    if (failed !== null) {
      failures.push(name === 'webgl' && !probe.available ? `WebGL unavailable: ${probe.why}` : `${LABEL[name]} failed: ${failed}`);
      continue;
    }
    return { name, reason: reasonFor(choice, name, preferred, webglNote, probe, failures), ...renderer };
  }
  throw new Error(`no compute backend could start: ${failures.join('; ')}`);
}

function reasonFor(
  choice: BackendChoice,
  name: BackendName,
  preferred: BackendName,
  webglNote: string,
  probe: WebGLProbe,
  failures: string[],
): string {
  const what =
    name === 'wasm'
      ? wasmSimd === false
        ? 'WASM without SIMD (slower)'
        : 'WASM'
      : name === 'webgl' && probe.available && probe.software
        ? `WebGL on a software renderer (${probe.software}, slow)`
        : LABEL[name];
  if (name !== preferred) {
    // A fallback: say what was wanted, why it failed, what runs instead.
    return `${choice === 'auto' ? 'auto: ' : ''}${failures.join('; ')}, using ${what}`;
  }
  if (choice !== 'auto') {
    if (name === 'webgl' && probe.available && probe.software)
      return `WebGL chosen: renderer is software (${probe.software}) — WASM is usually ~8× faster here`;
    if (name === 'cpu') return 'plain JS chosen — the slowest backend, useful as a reference';
    return `${what} chosen`;
  }
  if (name === 'webgl') return `auto: ${webglNote} — using WebGL`;
  return probe.available && probe.software ? `auto: ${webglNote} — WASM is ~8× faster here` : `auto: ${webglNote} — using ${what}`;
}

function short(s: string): string {
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}

/** The WebGL context tfjs computes on, when WebGL is the active backend; else null. */
export function activeWebGLContext(): WebGLRenderingContext | WebGL2RenderingContext | null {
  if (tf.getBackend() !== 'webgl') return null;
  const backend = tf.backend() as Partial<MathBackendWebGL>;
  return backend.gpgpu?.gl ?? null;
}

/**
 * Calls `onLost` once if the active backend's WebGL context is lost (GPU reset, driver update, the
 * browser reclaiming contexts). Returns a function that stops watching. No-op off WebGL.
 */
export function watchWebGLContext(onLost: () => void): () => void {
  // An OffscreenCanvas in a worker (the WebWorker lib does not declare `gl.canvas`).
  const canvas = (activeWebGLContext() as { canvas?: EventTarget } | null)?.canvas;
  if (!canvas || typeof canvas.addEventListener !== 'function') return () => {};
  const handler = () => onLost();
  canvas.addEventListener('webglcontextlost', handler, { once: true });
  return () => canvas.removeEventListener('webglcontextlost', handler);
}

/**
 * Drops tfjs' WebGL backend after its context was lost and registers a fresh one, so a later
 * `initBackend` makes a new context instead of reusing the dead one (whose reads never finish).
 * Call once nothing holds tensors on it any more.
 */
export function discardLostWebGL(): void {
  try {
    if (tf.findBackend('webgl')) tf.removeBackend('webgl');
  } catch (e) {
    console.warn('discarding the lost WebGL backend:', e);
  }
  if (!tf.findBackendFactory('webgl')) tf.registerBackend('webgl', () => new MathBackendWebGL(), 2);
}
