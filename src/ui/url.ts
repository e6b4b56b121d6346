/**
 * The address bar mirrors the settings and the classroom flags (classroom/flags.ts): read once at
 * start-up, then kept in sync with `history.replaceState` (no history entry per keystroke).
 */
import { parseSettings, serializeSettings } from '../core/settings';
import { useStore } from './store';
import { takeAutostart } from './urlFlags';
import { parseView, serializeView } from './classroom/flags';
import { useView } from './classroom/viewStore';

export { AUTOSTART_KEY } from './urlFlags';

/** Applies the settings in the current URL (valid parts) and records what was rejected. Returns the autostart flag. */
export function readSettingsFromUrl(): boolean {
  const { query, autostart } = takeAutostart(window.location.search);
  // Classroom flags (presentation, theme, hide/lock, …) first; the rest is settings.
  const flags = parseView(query);
  const { settings, rejected } = parseSettings(flags.rest);
  useView.setState({ view: flags.view });
  useStore.setState({ settings, urlRejections: [...rejected, ...flags.rejected] });
  return autostart;
}

/** Keeps `?…` equal to the current settings from now on. Returns the unsubscribe function. */
export function syncUrlWithSettings(): () => void {
  const write = (settings: ReturnType<typeof useStore.getState>['settings']) => {
    const flags = serializeView(useView.getState().view);
    const query = `?${serializeSettings(settings)}${flags ? `&${flags}` : ''}`;
    if (query !== window.location.search)
      window.history.replaceState(window.history.state, '', `${window.location.pathname}${query}${window.location.hash}`);
  };
  write(useStore.getState().settings);
  const unsubscribeView = useView.subscribe((state, previous) => {
    if (state.view !== previous.view) write(useStore.getState().settings);
  });
  const unsubscribe = useStore.subscribe((state, previous) => {
    if (state.settings !== previous.settings) write(state.settings);
  });
  return () => {
    unsubscribe();
    unsubscribeView();
  };
}
