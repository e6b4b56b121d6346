/**
 * Keeps the main thread's tasks short while training: panels that redraw from worker data (the
 * charts, the inspection panels) render one at a time, each in its own task, instead of all in the
 * task of the message that changed their data.
 *
 * `schedule(key, job)` queues `job` under `key`; a later job under the same key replaces the
 * waiting one (only the newest data is drawn), so the queue never holds more than one job per
 * panel and updates cannot pile up — not even at an epoch's end, when the evaluation, the confusion
 * matrix and the inspection snapshots arrive together. Jobs run in order, one per task, each inside
 * `flushSync` so React renders and commits exactly that panel there and then.
 */
import { useEffect, useState } from 'react';
import { flushSync } from 'react-dom';

const jobs = new Map<string, () => void>();
let pending = false;

function runOne(): void {
  pending = false;
  const next = jobs.entries().next();
  if (next.done) return;
  const [key, job] = next.value;
  jobs.delete(key);
  try {
    flushSync(job);
  } finally {
    if (jobs.size > 0) post();
  }
}

// A message-channel task runs as soon as the thread is free (setTimeout would add a 4 ms clamp).
const channel = typeof MessageChannel !== 'undefined' ? new MessageChannel() : null;
if (channel) channel.port1.onmessage = runOne;

/** A hidden tab runs no animation frames: then a job waits at most this long. */
const FRAME_FALLBACK_MS = 100;

/**
 * At most one job a frame, each in the task right after a frame: the document's layout is then clean,
 * so the layout reads a redraw makes (recharts measures its line) lay out only what that
 * job changed; and recharts, which hands a chart's store updates to the next animation frame, redraws
 * one chart per frame rather than both charts in one frame's task.
 */
function post(): void {
  if (pending) return;
  pending = true;
  if (!channel || typeof requestAnimationFrame === 'undefined') {
    setTimeout(runOne, 0);
    return;
  }
  let fired = false;
  const fire = () => {
    if (fired) return;
    fired = true;
    clearTimeout(fallback);
    channel.port2.postMessage(null);
  };
  const fallback = setTimeout(fire, FRAME_FALLBACK_MS);
  requestAnimationFrame(fire);
}

/** Runs `job` in a task of its own, after the jobs queued before it; replaces a waiting job of `key`. */
export function schedule(key: string, job: () => void): void {
  // Re-inserting moves the key to the back: a panel that keeps updating does not starve the others.
  jobs.delete(key);
  jobs.set(key, job);
  post();
}

/** Drops the waiting job of `key`, if any. */
export function cancel(key: string): void {
  jobs.delete(key);
}

interface Subscribable<S> {
  getState(): S;
  subscribe(listener: (state: S) => void): () => void;
}

const sameItems = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

/**
 * Like a zustand selector hook, but the component re-renders through the paint queue under `key`:
 * in a task of its own, with the newest value. `select` returns a tuple of store fields (compared
 * item by item) and must not change between renders (define it at module level).
 */
export function useQueued<S, T extends readonly unknown[]>(store: Subscribable<S>, select: (state: S) => T, key: string): T {
  const [value, setValue] = useState(() => select(store.getState()));
  useEffect(() => {
    let shown = value;
    const check = (state: S) => {
      const next = select(state);
      if (sameItems(next, shown)) return;
      shown = next;
      schedule(key, () => setValue(next));
    };
    check(store.getState());
    const unsubscribe = store.subscribe(check);
    return () => {
      unsubscribe();
      cancel(key);
    };
    // `value` seeds the comparison only; the subscription lives as long as the component.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store, select, key]);
  return value;
}
