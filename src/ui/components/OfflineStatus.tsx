import { useEffect, useState } from 'react';
import { dismissPwaNote, installApp, reloadIntoUpdate, usePwa } from '../pwa';
import { useRunActive } from '../store';

/**
 * Header line about offline use: whether this browser has the app cached (it then opens and trains
 * without a network), that the network is gone, a waiting new version (Reload, not while a run is
 * active), and Install where the browser offers it.
 */
export function OfflineStatus() {
  const offlineReady = usePwa((s) => s.offlineReady);
  const needRefresh = usePwa((s) => s.needRefresh);
  const canInstall = usePwa((s) => s.canInstall);
  const dismissed = usePwa((s) => s.dismissed);
  const busy = useRunActive();
  const [online, setOnline] = useState(() => navigator.onLine);
  // A page opened from the cache on a later visit is controlled from the start.
  const [controlled, setControlled] = useState(() => Boolean(navigator.serviceWorker?.controller));
  useEffect(() => {
    const on = () => setOnline(true);
    const off = () => setOnline(false);
    const control = () => setControlled(Boolean(navigator.serviceWorker?.controller));
    window.addEventListener('online', on);
    window.addEventListener('offline', off);
    navigator.serviceWorker?.addEventListener('controllerchange', control);
    return () => {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', off);
      navigator.serviceWorker?.removeEventListener('controllerchange', control);
    };
  }, []);
  const ready = offlineReady || controlled;
  return (
    <p className="offline-status" data-testid="offline-status" data-ready={ready ? '1' : '0'} data-online={online ? '1' : '0'}>
      {!online ? (
        <span className="offline-badge off" title="No network: the app runs from this browser's copy">
          Offline{ready ? ' — everything needed is cached' : ''}
        </span>
      ) : ready ? (
        <span
          className="offline-badge"
          title="The app, the WASM binaries and MNIST / Fashion-MNIST are cached in this browser: it opens and trains without a network"
        >
          ✓ Works offline
        </span>
      ) : null}
      {canInstall && (
        <button type="button" className="link-button" onClick={installApp} data-testid="install-app">
          Install app
        </button>
      )}
      {needRefresh && !dismissed && (
        <span className="update-note" role="status" data-testid="update-available">
          A new version is ready.{' '}
          <button
            type="button"
            onClick={reloadIntoUpdate}
            disabled={busy}
            title={busy ? 'Stop or finish the run first: reloading ends it' : 'Reload into the new version'}
          >
            Reload
          </button>{' '}
          <button type="button" className="link-button" aria-label="Later" onClick={dismissPwaNote}>
            later
          </button>
        </span>
      )}
    </p>
  );
}
