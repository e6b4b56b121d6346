/**
 * The keyboard shortcuts, defined once: the overlay (`?`), the README and the key handler read this
 * table. Pure (no DOM access beyond the event's fields), so Node tests import it.
 */

export type ShortcutAction = 'play' | 'step' | 'epoch' | 'reset' | 'stop' | 'next' | 'present' | 'theme' | 'help' | 'close';

export interface Shortcut {
  readonly action: ShortcutAction;
  /** `KeyboardEvent.key` values (letters in lower case). */
  readonly keys: readonly string[];
  /** How the overlay writes the keys. */
  readonly shown: string;
  readonly label: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { action: 'play', keys: [' ', 'Enter'], shown: 'Space or Enter', label: 'Train / Pause / Resume' },
  { action: 'step', keys: ['s', 'ArrowRight'], shown: 'S or →', label: 'Step: train one batch, then pause' },
  { action: 'epoch', keys: ['e'], shown: 'E', label: 'Step to the end of the epoch, then pause' },
  { action: 'reset', keys: ['r'], shown: 'R', label: 'Reset: stop, clear the charts, fresh weights next run' },
  { action: 'stop', keys: ['x'], shown: 'X', label: 'Stop the run (kept in the history)' },
  { action: 'next', keys: ['n'], shown: 'N', label: 'Next variant of the chosen preset' },
  { action: 'present', keys: ['p'], shown: 'P', label: 'Presentation mode on / off' },
  { action: 'theme', keys: ['t'], shown: 'T', label: 'Light / dark theme' },
  { action: 'help', keys: ['?'], shown: '?', label: 'Show / hide this list' },
  { action: 'close', keys: ['Escape'], shown: 'Esc', label: 'Close this list' },
];

/** The parts of a keydown the decision needs (a real KeyboardEvent fits). */
export interface KeyLike {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
  readonly target: EventTarget | null;
}

/** The focused element as far as shortcuts care. */
interface ElementLike {
  readonly tagName?: string;
  readonly isContentEditable?: boolean;
  getAttribute?(name: string): string | null;
  closest?(selector: string): unknown;
}

/** Widgets that move with the arrow keys themselves: → is theirs there, not Step's. */
const ARROW_WIDGETS =
  '[role=grid], [role=gridcell], [role=tablist], [role=listbox], [role=menu], [role=radiogroup], [role=tree], [role=slider], canvas';

const FIELDS = new Set(['INPUT', 'TEXTAREA', 'SELECT']);
/** Elements that act on Space/Enter themselves (unless aria-disabled). */
const ACTIVATES = new Set(['BUTTON', 'A', 'SUMMARY']);

/** True while the user types in a field: shortcuts never fire there. */
export function isTyping(target: EventTarget | null): boolean {
  const el = target as ElementLike | null;
  if (!el?.tagName) return false;
  if (FIELDS.has(el.tagName.toUpperCase())) return true;
  if (el.isContentEditable) return true;
  const role = el.getAttribute?.('role');
  return role === 'textbox' || role === 'combobox' || role === 'searchbox' || role === 'spinbutton' || role === 'slider';
}

/**
 * The action for a keydown, or null. Never while typing in a field, never with Ctrl/⌘/Alt (browser
 * shortcuts stay), and Space on a focused, enabled button is the button's own click. While the
 * overlay is open only `?` and Esc act.
 */
export function shortcutFor(event: KeyLike, overlayOpen = false): ShortcutAction | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  if (isTyping(event.target)) return null;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  const found = SHORTCUTS.find((s) => s.keys.includes(key));
  if (!found) return null;
  if (overlayOpen && found.action !== 'help' && found.action !== 'close') return null;
  if (key === 'ArrowRight' && (event.target as ElementLike | null)?.closest?.(ARROW_WIDGETS)) return null;
  if (found.action === 'play') {
    const el = event.target as ElementLike | null;
    const tag = el?.tagName?.toUpperCase();
    if (tag && ACTIVATES.has(tag) && el?.getAttribute?.('aria-disabled') !== 'true') return null;
  }
  return found.action;
}
