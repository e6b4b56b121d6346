import { describe, expect, it } from 'vitest';
import { SHORTCUTS, shortcutFor, type KeyLike } from './shortcutKeys';

/** A stand-in for the focused element: tag, attributes, contenteditable, ancestors matched by `closest`. */
function el(tagName: string, attrs: Record<string, string> = {}, opts: { editable?: boolean; within?: string } = {}) {
  return {
    tagName,
    isContentEditable: opts.editable ?? false,
    getAttribute: (n: string) => attrs[n] ?? null,
    closest: (sel: string) => (opts.within && sel.includes(opts.within) ? {} : null),
  } as unknown as EventTarget;
}
const key = (k: string, target: EventTarget | null = el('BODY'), mods: Partial<KeyLike> = {}): KeyLike => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  target,
  ...mods,
});

describe('keyboard shortcuts', () => {
  it('map every documented key to its action (letters in either case)', () => {
    for (const s of SHORTCUTS)
      for (const k of s.keys) expect(shortcutFor(key(k), s.action === 'help' || s.action === 'close')).toBe(s.action);
    expect(shortcutFor(key('S'))).toBe('step');
    expect(shortcutFor(key('P'))).toBe('present');
  });

  it.each([
    ['an input', el('INPUT', { type: 'number' })],
    ['a text area', el('TEXTAREA')],
    ['a select', el('SELECT')],
    ['contenteditable', el('DIV', {}, { editable: true })],
    ['a role=textbox', el('DIV', { role: 'textbox' })],
  ])('never fire while typing in %s', (_what, target) => {
    for (const k of [' ', 's', 'p', 't', 'r', 'x', 'n', 'e', '?', 'ArrowRight']) expect(shortcutFor(key(k, target))).toBeNull();
  });

  it('leave browser shortcuts alone (Ctrl, ⌘, Alt)', () => {
    expect(shortcutFor(key('r', el('BODY'), { ctrlKey: true }))).toBeNull();
    expect(shortcutFor(key('p', el('BODY'), { metaKey: true }))).toBeNull();
    expect(shortcutFor(key('t', el('BODY'), { altKey: true }))).toBeNull();
  });

  it('Space on a focused, enabled button is that button’s click; on an unavailable one it plays/pauses', () => {
    expect(shortcutFor(key(' ', el('BUTTON', { 'aria-disabled': 'false' })))).toBeNull();
    expect(shortcutFor(key(' ', el('A')))).toBeNull();
    expect(shortcutFor(key('Enter', el('BUTTON', { 'aria-disabled': 'false' })))).toBeNull();
    expect(shortcutFor(key('Enter'))).toBe('play');
    expect(shortcutFor(key(' ', el('BUTTON', { 'aria-disabled': 'true' })))).toBe('play');
    // Letters still work with a button focused.
    expect(shortcutFor(key('s', el('BUTTON')))).toBe('step');
  });

  it('→ belongs to widgets that move with arrows (matrix cells)', () => {
    expect(shortcutFor(key('ArrowRight', el('TD', { role: 'gridcell' }, { within: '[role=grid]' })))).toBeNull();
    expect(shortcutFor(key('ArrowRight'))).toBe('step');
  });

  it('while the list is open only ? and Esc act', () => {
    expect(shortcutFor(key(' '), true)).toBeNull();
    expect(shortcutFor(key('s'), true)).toBeNull();
    expect(shortcutFor(key('?'), true)).toBe('help');
    expect(shortcutFor(key('Escape'), true)).toBe('close');
  });
});
