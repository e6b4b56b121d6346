/**
 * The main run's training worker, seen from the UI: the one Worker, its one listener, and a registry of
 * message handlers. workerClient, inspectClient, modelFiles and verdicts each register the handlers of
 * their message types and send through `sendToWorker`; none imports another for it (no import cycle).
 * The port starts the worker on the first message, drops run-scoped messages of abandoned runs, watches
 * for a hung worker (heartbeats), and on a crash ends the worker and tells the registered failure
 * handler. Races run their own workers (race/raceClient.ts).
 */
import type { FromWorker, ToWorker } from '../shared/protocol';
import { debugGreeting, debugOptions, installFaultHook } from './debugHook';
import { isRunActive, useStore } from './store';

export type WorkerMessage<T extends FromWorker['type']> = Extract<FromWorker, { type: T }>;

let worker: Worker | null = null;
const handlers = new Map<FromWorker['type'], (message: FromWorker) => void>();
let onFailure: (message: string) => void = () => {};

/**
 * Registers the handler of one message type (one per type: a later registration replaces it, as
 * a module re-run by hot reload does). Run-scoped messages reach it only while their run is the store's.
 */
export function onWorkerMessage<T extends FromWorker['type']>(type: T, handler: (message: WorkerMessage<T>) => void): void {
  handlers.set(type, handler as (message: FromWorker) => void);
}

/** Registers what happens when the worker crashed or sent an unreadable message (it is already ended). */
export function onWorkerFailure(handler: (message: string) => void): void {
  onFailure = handler;
}

/** Posts to the worker, starting it first if there is none; `transfer` moves buffers, no copy. */
export function sendToWorker(message: ToWorker, transfer: Transferable[] = []): void {
  getWorker().postMessage(message, transfer);
}

/** Ends the worker (stuck, crashed or not); the next message starts a new one. */
export function endWorker(): void {
  worker?.terminate();
  worker = null;
}

let lastIssuedRunId = 0;
/** A run id never used before: for a run, or for a model being loaded (which becomes a run once it loads). */
export function nextRunId(): number {
  lastIssuedRunId = Math.max(lastIssuedRunId, useStore.getState().runId) + 1;
  return lastIssuedRunId;
}

function getWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('../worker/training.worker.ts', import.meta.url), { type: 'module', name: 'training' });
  w.onmessage = (event: MessageEvent<FromWorker>) => receive(event.data);
  w.onerror = (event) => {
    event.preventDefault();
    fail(
      `The training worker crashed${event.message ? `: ${event.message}` : ''}. Restart it (or train again); the curves so far are kept.`,
    );
  };
  w.onmessageerror = () =>
    fail('A message from the training worker could not be read. Restart it (or train again); the curves so far are kept.');
  worker = w;
  watch();
  for (const message of debugGreeting()) w.postMessage(message);
  return w;
}

function fail(message: string): void {
  endWorker();
  onFailure(message);
}

function receive(message: FromWorker): void {
  lastHeard = performance.now();
  if (useStore.getState().error?.kind === 'unresponsive') useStore.setState({ error: null });
  // Run-scoped messages of an abandoned run are dropped.
  if ('runId' in message && message.runId !== null && message.runId !== useStore.getState().runId) return;
  if (message.type === 'heartbeat') return;
  const handler = handlers.get(message.type);
  if (handler) handler(message);
  else console.warn('unhandled worker message', message);
}

/** The worker heartbeats every second while busy; this much silence during a run means it hangs. */
const HANG_MS = debugOptions?.hangMs ?? 20_000;
let lastHeard = 0;
let watchdog: ReturnType<typeof setInterval> | null = null;

function watch(): void {
  lastHeard = performance.now();
  watchdog ??= setInterval(() => {
    const { runState, error } = useStore.getState();
    const silent = performance.now() - lastHeard;
    if (!isRunActive(runState) || !worker || silent < HANG_MS || error?.kind === 'unresponsive' || error?.kind === 'worker') return;
    useStore.setState({
      error: {
        kind: 'unresponsive',
        message: `The training worker has not answered for ${Math.round(silent / 1000)} s: it may be stuck. Restart it to go on; the curves so far are kept. (A very large batch on the plain-JS backend can also take this long: then just wait.)`,
      },
    });
  }, 1000);
}

installFaultHook(sendToWorker);
