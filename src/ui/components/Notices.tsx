import { useStore } from '../store';

/** The error banner (run, worker, backend errors) and the notice listing rejected URL parts. */
export function Notices() {
  const error = useStore((s) => s.error);
  const rejections = useStore((s) => s.urlRejections);
  const hasCurves = useStore((s) => s.batches.length > 0);
  return (
    <>
      {error && (
        <div className="banner error" role="alert" data-testid="error-banner" data-kind={error.kind}>
          <p>{error.message}</p>
          {hasCurves && <p className="hint">The curves recorded so far are kept below.</p>}
          <button type="button" aria-label="Dismiss error" onClick={() => useStore.setState({ error: null })}>
            ×
          </button>
        </div>
      )}
      {rejections.length > 0 && (
        <div className="banner notice" role="status" data-testid="url-notice">
          <p>Some settings in the address were not used:</p>
          <ul>
            {rejections.map((r, i) => (
              // Text only: values from the URL are never rendered as HTML.
              <li key={i}>
                <code>{r.key}</code>: {r.reason}
              </li>
            ))}
          </ul>
          <button type="button" aria-label="Dismiss notice" onClick={() => useStore.setState({ urlRejections: [] })}>
            ×
          </button>
        </div>
      )}
    </>
  );
}
