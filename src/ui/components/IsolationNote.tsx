import { usePwa } from '../pwa';
import { useRunActive, useStore } from '../store';

/**
 * On a host that sends no COOP/COEP headers the page is not cross-origin isolated, so WASM runs on one
 * thread. Once this browser's offline copy (the service worker) is installed, it adds those headers to
 * everything it serves: a reload then trains on every core. This offers that reload, once it can help
 * (installed, more than one core, WASM on one thread for that reason) and never under a running run.
 */
export function IsolationNote() {
  const backend = useStore((s) => s.backend);
  const installed = usePwa((s) => s.offlineReady);
  const busy = useRunActive();
  const cores = navigator.hardwareConcurrency || 1;
  const oneThreadForIsolation = backend?.name === 'wasm' && backend.threads?.count === 1 && !window.crossOriginIsolated;
  // A page the service worker served already has its headers: if it is still not isolated, a reload
  // would not help (an older version of the worker, or a browser that ignores them).
  const servedByWorker = Boolean(navigator.serviceWorker?.controller);
  if (!oneThreadForIsolation || !installed || servedByWorker || cores < 2) return null;
  return (
    <span className="isolation-note" data-testid="isolation-note">
      {' '}
      — this browser&apos;s offline copy adds those headers:{' '}
      <button
        type="button"
        className="link-button"
        data-testid="isolation-reload"
        disabled={busy}
        onClick={() => window.location.reload()}
        title={busy ? 'Stop or finish the run first: reloading ends it' : 'Reload the page (your settings are in its address)'}
      >
        reload for {cores} threads
      </button>
    </span>
  );
}
