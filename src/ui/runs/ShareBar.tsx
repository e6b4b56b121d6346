import { useRef, useState } from 'react';
import { serializeSettings } from '../../core/settings';
import { useStore } from '../store';
import { AUTOSTART_KEY } from '../url';
import { serializeView } from '../classroom/flags';
import { useView } from '../classroom/viewStore';

/** The address of the current settings, optionally with the lecture-demo flag that starts training on open. */
export function shareUrl(query: string, autostart: boolean): string {
  const { origin, pathname } = window.location;
  return `${origin}${pathname}?${query}${autostart ? `&${AUTOSTART_KEY}=1` : ''}`;
}

/**
 * "Copy link": the clipboard API where the page may use it, otherwise a read-only field with the link
 * selected, ready for Ctrl+C. The link carries every non-default setting (seed included).
 */
export function ShareBar() {
  const settings = useStore((s) => s.settings);
  const [autostart, setAutostart] = useState(false);
  const [state, setState] = useState<'idle' | 'copied' | 'manual'>('idle');
  const field = useRef<HTMLInputElement>(null);
  // A classroom link keeps its flags (presentation, hidden and locked controls, …).
  const flags = useView((s) => serializeView(s.view));
  const url = shareUrl(`${serializeSettings(settings)}${flags ? `&${flags}` : ''}`, autostart);

  const copy = async () => {
    try {
      if (!navigator.clipboard?.writeText) throw new Error('no clipboard');
      await navigator.clipboard.writeText(url);
      setState('copied');
    } catch {
      setState('manual');
      // The field renders on this state change; select it on the next frame.
      requestAnimationFrame(() => field.current?.select());
    }
  };

  return (
    <div className="share" data-testid="share">
      <button type="button" data-testid="copy-link" onClick={() => void copy()} title="Copy a link that opens these exact settings">
        Copy link
      </button>
      <label className="share-flag" title="For lecture demos: the link starts training as soon as it is opened">
        <input type="checkbox" data-testid="share-autostart" checked={autostart} onChange={(e) => setAutostart(e.target.checked)} /> start
        on open
      </label>
      {state === 'copied' && (
        <span className="hint" role="status" data-testid="copy-status">
          Link copied
        </span>
      )}
      {state === 'manual' && (
        <span className="share-manual">
          <input
            ref={field}
            readOnly
            value={url}
            data-testid="share-url"
            aria-label="Link to these settings"
            onFocus={(e) => e.target.select()}
          />
          <span className="hint" role="status" data-testid="copy-status">
            Press Ctrl+C (⌘C) to copy
          </span>
        </span>
      )}
    </div>
  );
}
