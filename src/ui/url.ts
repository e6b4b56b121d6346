/**
 * The address bar mirrors the settings: read once at start-up, then kept in sync with
 * `history.replaceState` (no history entry per keystroke).
 */
import { parseSettings, serializeSettings } from '../core/settings';
import { useStore } from './store';
import { takeAutostart } from './urlFlags';

export { AUTOSTART_KEY } from './urlFlags';

/** Applies the settings in the current URL (valid parts) and records what was rejected. Returns the autostart flag. */
export function readSettingsFromUrl(): boolean {
  const { query, autostart } = takeAutostart(window.location.search);
  const { settings, rejected } = parseSettings(query);
  useStore.setState({ settings, urlRejections: rejected });
  return autostart;
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
