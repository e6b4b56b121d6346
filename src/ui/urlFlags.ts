/**
 * Address-bar flags that are not settings of the experiment. Pure (no store), so Node tests import it.
 */

/**
 * `autostart=1` opens the page and starts training at once (lecture demos). It is read and removed at
 * start-up, so the URL sync drops it and a reload does not restart the run.
 */
export const AUTOSTART_KEY = 'autostart';

/** Splits the autostart flag off a query string; the rest goes to the settings codec unchanged. */
export function takeAutostart(search: string): { query: string; autostart: boolean } {
  // Over-long addresses go to the codec untouched; it rejects them as a whole.
  if (search.length > 4096) return { query: search, autostart: false };
  const params = new URLSearchParams(search);
  if (!params.has(AUTOSTART_KEY)) return { query: search, autostart: false };
  const autostart = params.get(AUTOSTART_KEY) === '1';
  params.delete(AUTOSTART_KEY);
  return { query: params.toString(), autostart };
}
