/**
 * The address bar mirrors the settings: read once at start-up, then kept in sync with
 * `history.replaceState` (no history entry per keystroke).
 */
import { parseSettings, serializeSettings } from '../core/settings';
import { useStore } from './store';

/** Applies the settings in the current URL (valid parts) and records what was rejected. */
export function readSettingsFromUrl(): void {
  const { settings, rejected } = parseSettings(window.location.search);
  useStore.setState({ settings, urlRejections: rejected });
}

/** Keeps `?…` equal to the current settings from now on. Returns the unsubscribe function. */
export function syncUrlWithSettings(): () => void {
  const write = (settings: ReturnType<typeof useStore.getState>['settings']) => {
    const query = `?${serializeSettings(settings)}`;
    if (query !== window.location.search) window.history.replaceState(window.history.state, '', `${window.location.pathname}${query}${window.location.hash}`);
  };
  write(useStore.getState().settings);
  return useStore.subscribe((state, previous) => {
    if (state.settings !== previous.settings) write(state.settings);
  });
}
