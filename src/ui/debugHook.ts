/**
 * THE test hook of the UI, the only one: end-to-end tests opt in by defining `window.__CNN_DEBUG__`
 * before the app loads (Playwright's addInitScript). Then the hang timeout is theirs, the worker is
 * told their download stall timeout, and `window.__cnnFault(fault)` injects a fault into the worker
 * (e2e/faults.spec.ts, e2e/datafail.spec.ts). Users never define it, and then nothing here happens.
 * The worker side of it is src/worker/debugHook.ts.
 */
import type { DebugFault, ToWorker } from '../shared/protocol';

export interface DebugOptions {
  /** Silence during a run after which the worker counts as hung (default 20 s). */
  readonly hangMs?: number;
  /** How long a dataset download may receive nothing (the worker's default otherwise). */
  readonly stallMs?: number;
}

/** The page's opt-in, or undefined (always, for users). */
export const debugOptions: DebugOptions | undefined = (globalThis as { __CNN_DEBUG__?: DebugOptions }).__CNN_DEBUG__;

/** Messages a freshly started worker gets first, when a test opted in. */
export function debugGreeting(): ToWorker[] {
  return debugOptions?.stallMs !== undefined ? [{ type: 'debug-config', stallMs: debugOptions.stallMs }] : [];
}

/** Installs `window.__cnnFault` when a test opted in; `send` posts to the training worker. */
export function installFaultHook(send: (message: ToWorker) => void): void {
  if (!debugOptions) return;
  (globalThis as { __cnnFault?: (fault: DebugFault) => void }).__cnnFault = (fault) => send({ type: 'debug-fault', fault });
}
