/**
 * The one keydown listener behind the shortcuts table (shortcutKeys.ts): Space/Enter plays or pauses, S
 * steps a batch, E an epoch, R resets, X stops, N loads the next preset variant, P and T toggle
 * presentation and theme, ? shows the list.
 */
import { cancelSequence } from '../runs/runsStore';
import { isRunActive, useStore } from '../store';
import { pauseTraining, resetTraining, resumeTraining, startTraining, stepTraining, stopTraining } from '../workerClient';
import { nextVariant } from './presetActions';
import { shortcutFor, type ShortcutAction } from './shortcutKeys';
import { toggleTheme, togglePresentation, useView } from './viewStore';

/** Train / Pause / Resume, whichever applies now (Space and the run bar agree). */
export function playPause(): void {
  const { runState } = useStore.getState();
  if (runState === 'training') pauseTraining();
  else if (runState === 'paused') resumeTraining();
  else if (runState !== 'loading') startTraining();
}

/** Reset, which also ends a comparison or repeat in progress (its finished runs stay). */
export function resetAll(): void {
  cancelSequence();
  resetTraining();
}

function perform(action: ShortcutAction): void {
  const active = () => isRunActive(useStore.getState().runState);
  switch (action) {
    case 'play':
      return playPause();
    case 'step':
      return stepTraining('batch');
    case 'epoch':
      return stepTraining('epoch');
    case 'reset':
      return resetAll();
    case 'stop':
      if (active()) stopTraining();
      return;
    case 'next':
      return nextVariant();
    case 'present':
      return togglePresentation();
    case 'theme':
      return toggleTheme();
    case 'help':
      useView.setState((s) => ({ shortcutsOpen: !s.shortcutsOpen }));
      return;
    case 'close':
      useView.setState({ shortcutsOpen: false });
      return;
    default: {
      const unknown: never = action;
      console.warn('unknown shortcut', unknown);
    }
  }
}

/** Registers the listener once; returns its removal. */
export function installShortcuts(): () => void {
  const onKey = (event: KeyboardEvent) => {
    if (event.defaultPrevented || event.repeat) return;
    const action = shortcutFor(event, useView.getState().shortcutsOpen);
    if (!action) return;
    // Esc only matters while the list is open; otherwise leave it to the page.
    if (action === 'close' && !useView.getState().shortcutsOpen) return;
    event.preventDefault();
    perform(action);
  };
  document.addEventListener('keydown', onKey);
  return () => document.removeEventListener('keydown', onKey);
}
