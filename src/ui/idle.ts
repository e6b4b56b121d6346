/**
 * Runs `then` when the page is next idle, or after `timeoutMs` at the latest (at once-ish where the
 * browser has no idle callbacks). Returns a function that cancels it.
 */
export function onIdle(then: () => void, timeoutMs = 4000): () => void {
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(then, { timeout: timeoutMs });
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(then, Math.min(timeoutMs, 1000));
  return () => clearTimeout(id);
}
