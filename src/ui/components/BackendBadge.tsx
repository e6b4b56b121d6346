import { reprobeBackend } from '../workerClient';
import { useRunActive, useStore } from '../store';
import { IsolationNote } from './IsolationNote';

const LABEL = { wasm: 'WASM', webgl: 'WebGL', cpu: 'plain JS' } as const;

/**
 * Which backend computes, and why: for 'auto', the measured figures of each configuration and the
 * pick; WASM's thread count, and why it is one when it is. "Measure again" re-runs the probe.
 */
export function BackendBadge() {
  const backend = useStore((s) => s.backend);
  const busy = useRunActive();
  const auto = useStore((s) => s.settings.backend === 'auto');
  const threads = backend?.threads;
  const probe = backend?.probe;
  const title = [
    backend?.renderer ? `Renderer: ${backend.renderer}` : null,
    probe
      ? `Measured ${probe.cached && probe.measuredAt ? `on ${new Date(probe.measuredAt).toLocaleString()}` : 'now'} in ${(probe.probeMs / 1000).toFixed(1)} s`
      : null,
  ]
    .filter(Boolean)
    .join('\n');
  return (
    <p className="backend" title={title || undefined}>
      Backend:{' '}
      <b data-testid="backend" data-value={backend?.name ?? ''}>
        {backend ? LABEL[backend.name] : 'measuring…'}
        {threads && (
          <span data-testid="backend-threads" data-count={threads.count}>
            {' '}
            ×{threads.count} thread{threads.count === 1 ? '' : 's'}
          </span>
        )}
      </b>
      {backend && (
        <span className="backend-reason" data-testid="backend-reason">
          {' '}
          — {backend.reason}
          {probe && ` (${probe.cached ? 'measured earlier' : `measured in ${(probe.probeMs / 1000).toFixed(1)} s`})`}
          {threads?.why && <span data-testid="backend-threads-why">; one thread: {threads.why}</span>}
          <IsolationNote />
        </span>
      )}
      {backend && auto && (
        <button
          type="button"
          className="link-button"
          data-testid="backend-reprobe"
          disabled={busy}
          onClick={reprobeBackend}
          title="Time each backend again on this model and batch size"
        >
          measure again
        </button>
      )}
    </p>
  );
}
