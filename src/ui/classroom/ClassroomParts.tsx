import { useEffect, useId, useRef } from 'react';
import { PRESETS } from '../../core/presets';
import { useRuns } from '../runs/runsStore';
import { isRunActive, useStore } from '../store';
import { compareVariants, trainVariant, applyVariant } from './presetActions';
import { SHORTCUTS } from './shortcutKeys';
import { effectiveTheme, toggleTheme, togglePresentation, useView } from './viewStore';

/** First thing Tab reaches: straight to Train / Pause / Step. */
export function SkipLink() {
  return (
    <a
      className="skip-link"
      href="#run-controls"
      onClick={(e) => {
        e.preventDefault();
        const bar = document.getElementById('run-controls');
        bar?.scrollIntoView({ block: 'start' });
        (bar?.querySelector<HTMLButtonElement>('button[aria-disabled="false"]') ?? bar)?.focus();
      }}
    >
      Skip to the run controls
    </a>
  );
}

/** Presentation, theme and the shortcuts list, in the header (and at the top of the presentation view). */
export function ViewToggles() {
  const present = useView((s) => s.view.present);
  const dark = useView((s) => effectiveTheme(s.view) === 'dark');
  return (
    <div className="view-toggles">
      <button
        type="button"
        data-testid="toggle-presentation"
        aria-pressed={present}
        onClick={togglePresentation}
        title="Large type and charts for a projector (P)"
      >
        {present ? 'Leave presentation' : 'Presentation'}
      </button>
      <button type="button" data-testid="toggle-theme" aria-pressed={dark} onClick={toggleTheme} title="Light or dark theme (T)">
        Dark theme
      </button>
      <button
        type="button"
        data-testid="show-shortcuts"
        onClick={() => useView.setState({ shortcutsOpen: true })}
        title="Keyboard shortcuts (?)"
        aria-label="Keyboard shortcuts"
      >
        ?
      </button>
    </div>
  );
}

/** The `?` overlay: every shortcut, from the same table the key handler reads. */
export function ShortcutsOverlay() {
  const open = useView((s) => s.shortcutsOpen);
  const close = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  useEffect(() => {
    if (!open) return;
    const before = document.activeElement as HTMLElement | null;
    close.current?.focus();
    return () => before?.focus?.();
  }, [open]);
  if (!open) return null;
  return (
    <div className="overlay" onClick={() => useView.setState({ shortcutsOpen: false })}>
      <div
        className="overlay-box"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid="shortcuts"
        onClick={(e) => e.stopPropagation()}
      >
        <h2 id={titleId}>Keyboard shortcuts</h2>
        <table>
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.action}>
                <th scope="row">
                  <kbd>{s.shown}</kbd>
                </th>
                <td>{s.label}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="hint">They never fire while you type in a field. Space on a focused button presses that button.</p>
        <button
          ref={close}
          type="button"
          onClick={() => useView.setState({ shortcutsOpen: false })}
          onKeyDown={(e) => {
            // The only focusable thing in the dialog: Tab stays on it.
            if (e.key === 'Tab') e.preventDefault();
          }}
        >
          Close
        </button>
      </div>
    </div>
  );
}

/**
 * The course presets at the top of the page, next to Train: pick one, then "Train this" (a variant)
 * or "Compare all variants" (each in turn, overlaid in the history). Below it, what the last preset
 * changed.
 */
export function PresetBar() {
  const { index, variant } = useView((s) => s.preset);
  const runState = useStore((s) => s.runState);
  const sequence = useRuns((s) => s.sequence);
  const busy = (sequence?.running ?? false) || isRunActive(runState);
  const preset = PRESETS[index] ?? PRESETS[0]!;
  const chosen = Math.max(0, variant);
  return (
    <section className="panel preset-bar" aria-label="Presets" data-testid="preset-bar">
      <div className="preset-row">
        <PresetChoice index={index} chosen={chosen} />
        <button
          type="button"
          data-testid="preset-load"
          aria-disabled={busy}
          onClick={() => !busy && applyVariant(index, chosen)}
          title="Load this variant's settings (N: the next variant)"
        >
          Load
        </button>
        <button
          type="button"
          className="primary"
          data-testid="preset-train"
          aria-disabled={busy}
          onClick={() => !busy && trainVariant(index, chosen)}
          title="Load this variant and train it"
        >
          Train this
        </button>
        {preset.variants.length > 1 && (
          <button
            type="button"
            data-testid="preset-compare"
            aria-disabled={busy}
            onClick={() => !busy && compareVariants(index)}
            title="Train every variant in turn and overlay them in the history"
          >
            Compare all {preset.variants.length} variants
          </button>
        )}
        {sequence?.running && (
          <span className="hint" role="status">
            Comparing: run {Math.min(sequence.results.length + 1, sequence.total)} of {sequence.total}
          </span>
        )}
      </div>
      <PresetNoteBanner />
    </section>
  );
}

/** The preset and (when it has several) the variant to load or train. */
function PresetChoice({ index, chosen }: { index: number; chosen: number }) {
  const preset = PRESETS[index] ?? PRESETS[0]!;
  const presetId = useId();
  const variantId = useId();
  return (
    <>
      <label htmlFor={presetId}>Preset</label>
      <select
        id={presetId}
        data-testid="preset-choice"
        value={index}
        onChange={(e) => useView.setState({ preset: { index: Number(e.target.value), variant: -1 } })}
      >
        {PRESETS.map((p, i) => (
          <option key={p.id} value={i}>
            {p.title}
          </option>
        ))}
      </select>
      {preset.variants.length > 1 && (
        <>
          <label htmlFor={variantId}>Variant</label>
          <select
            id={variantId}
            data-testid="preset-variant"
            value={chosen}
            onChange={(e) => useView.setState({ preset: { index, variant: Number(e.target.value) } })}
          >
            {preset.variants.map((v, i) => (
              <option key={v.id} value={i}>
                {v.label}
              </option>
            ))}
          </select>
        </>
      )}
    </>
  );
}

/**
 * What the last preset changed (or why it did not apply), until dismissed or replaced. Near Train,
 * and (with `about`) next to the course preset that was clicked further down the page.
 */
export function PresetNoteBanner({ about }: { about?: string }) {
  const note = useView((s) => s.note);
  if (!note || (about !== undefined && !note.title.startsWith(about))) return null;
  return (
    <div
      className={`preset-note${note.refused ? ' refused' : ''}`}
      role="status"
      data-testid={about === undefined ? 'preset-note' : 'preset-note-inline'}
      key={note.serial}
    >
      <p>
        <b>{note.refused ? 'Not loaded: ' : 'Loaded: '}</b>
        {note.title}
        {note.refused
          ? ` — ${note.refused}`
          : note.changes.length === 0
            ? note.kept.length
              ? ''
              : ' — no setting changed (already these values).'
            : ` — ${note.changes.length} setting${note.changes.length === 1 ? '' : 's'} changed:`}
      </p>
      {note.changes.length > 0 && (
        <ul data-testid="preset-changes">
          {note.changes.map((c) => (
            <li key={c.label}>
              {c.label}: <s>{c.from}</s> → <b>{c.to}</b>
            </li>
          ))}
        </ul>
      )}
      {note.kept.length > 0 && <p className="hint">Kept by this link (locked): {note.kept.join(', ')}.</p>}
      <button type="button" aria-label="Dismiss" onClick={() => useView.setState({ note: null })}>
        ×
      </button>
    </div>
  );
}

/** Where the preset bar is hidden (a view-only link), N still steps through the variants: its note shows here. */
export function PresetNoteAlone() {
  const hasNote = useView((s) => s.note !== null);
  if (!hasNote) return null;
  return (
    <section className="panel preset-bar" aria-label="Preset loaded">
      <PresetNoteBanner />
    </section>
  );
}

/** Embed view (`embed=1`): the page header is gone; this keeps a way to the full app. */
export function EmbedLink() {
  const embed = useView((s) => s.view.embed);
  if (!embed) return null;
  const href = window.location.href.replace(/([?&])embed=1(&|$)/, (_m, a: string, b: string) => (b ? a : '')).replace(/[?&]$/, '');
  return (
    <p className="embed-link">
      <a href={href} target="_blank" rel="noopener">
        Open in CNN Playground ↗
      </a>
    </p>
  );
}

/** Phone layout: the settings panel behind a button (a drawer); on wider screens the button is hidden. */
export function DrawerToggle() {
  const open = useView((s) => s.drawerOpen);
  return (
    <button
      type="button"
      className="drawer-toggle"
      data-testid="settings-drawer"
      aria-expanded={open}
      aria-controls="settings-panel"
      onClick={() => useView.setState({ drawerOpen: !open })}
    >
      {open ? 'Hide settings ▴' : 'Settings ▾'}
    </button>
  );
}

/**
 * Presentation mode: the charts fill the screen below the run bar. Measures where the charts start
 * and hands it to the CSS as `--charts-top` (px from the top of the page).
 */
export function useChartsFill(): void {
  const present = useView((s) => s.view.present || s.view.embed);
  useEffect(() => {
    if (!present) return;
    const root = document.documentElement;
    const measure = () => {
      const charts = document.querySelector('.panel.charts');
      if (charts) root.style.setProperty('--charts-top', `${Math.ceil(charts.getBoundingClientRect().top + window.scrollY)}px`);
    };
    const observer = new ResizeObserver(measure);
    // The body's size changes with anything above the charts (and with the charts: then the top stays put).
    observer.observe(document.body);
    measure();
    window.addEventListener('resize', measure);
    return () => {
      observer.disconnect();
      window.removeEventListener('resize', measure);
      root.style.removeProperty('--charts-top');
    };
  }, [present]);
}
