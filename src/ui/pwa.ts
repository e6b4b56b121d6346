/// <reference types="vite-plugin-pwa/client" />
/**
 * Offline use: registers the service worker (src/sw/sw.ts) and keeps what the page says about it in a
 * small zustand store: "ready to work offline" after the first visit's precache, and "a new version
 * is available" when a new build's worker waits. The page is reloaded into a new version only when
 * the user asks (never under a running training).
 */
import { registerSW } from 'virtual:pwa-register';
import { create } from 'zustand';
import { errorText } from '../core/errorText';

export interface PwaState {
  /** The app, the WASM binaries and the datasets are cached: the next visit works offline. */
  offlineReady: boolean;
  /** A new build has been downloaded and waits for a reload. */
  needRefresh: boolean;
  /** Registration failed (e.g. a private window with storage off): the app works, just not offline. */
  error: string | null;
  /** The browser offers installation (Chromium's `beforeinstallprompt`). */
  canInstall: boolean;
  dismissed: boolean;
}

export const usePwa = create<PwaState>()(() => ({
  offlineReady: false,
  needRefresh: false,
  error: null,
  canInstall: false,
  dismissed: false,
}));

let update: ((reload?: boolean) => Promise<void>) | null = null;
let installEvent: (Event & { prompt(): Promise<void> }) | null = null;

/** Call once at start-up. No-op where service workers are unavailable (the dev server, old browsers). */
export function startPwa(): void {
  if (!('serviceWorker' in navigator)) return;
  update = registerSW({
    immediate: true,
    onOfflineReady: () => usePwa.setState({ offlineReady: true }),
    onNeedRefresh: () => usePwa.setState({ needRefresh: true, dismissed: false }),
    onRegisterError: (error: unknown) => usePwa.setState({ error: errorText(error) }),
  });
  window.addEventListener('beforeinstallprompt', (event) => {
    event.preventDefault();
    installEvent = event as Event & { prompt(): Promise<void> };
    usePwa.setState({ canInstall: true });
  });
  window.addEventListener('appinstalled', () => usePwa.setState({ canInstall: false }));
}

/** Activates the waiting new version and reloads the page into it. */
export function reloadIntoUpdate(): void {
  void update?.(true);
}

export function installApp(): void {
  void installEvent?.prompt();
  installEvent = null;
  usePwa.setState({ canInstall: false });
}

export function dismissPwaNote(): void {
  usePwa.setState({ dismissed: true });
}
