import { useStore } from '../store';
import { retryData } from '../dataRetry';
import { restartWorker } from '../workerClient';

/**
 * The error banner (run, worker, backend errors; a crashed or stuck worker offers a restart), the
 * notice of a fault the run survived, and the notice listing rejected URL parts.
 */
export function Notices() {
  const error = useStore((s) => s.error);
  const notice = useStore((s) => s.notice);
  const rejections = useStore((s) => s.urlRejections);
  const hasCurves = useStore((s) => s.batches.length > 0);
  const workerDown = error?.kind === 'worker' || error?.kind === 'unresponsive';
  const runState = useStore((s) => s.runState);
  // Data failures (missing, stalled, damaged downloads; no dataset list) can be retried in place.
  const canRetry = error?.kind === 'manifest' || (error?.kind === 'data' && runState === 'error');
  return (
    <>
      {error && (
        <div className="banner error" role="alert" data-testid="error-banner" data-kind={error.kind}>
          <p>{error.message}</p>
          {hasCurves && <p className="hint">The curves recorded so far are kept below.</p>}
          {canRetry && (
            <p>
              <button type="button" className="restart" data-testid="retry-data" onClick={retryData}>
                Retry
              </button>
            </p>
          )}
          {workerDown && (
            <p>
              <button type="button" className="restart" data-testid="restart-worker" onClick={restartWorker}>
                Restart the worker
              </button>
            </p>
          )}
          <button type="button" aria-label="Dismiss error" onClick={() => useStore.setState({ error: null })}>
            ×
          </button>
        </div>
      )}
      {notice && (
        <div className="banner notice" role="status" data-testid="run-notice">
          <p>{notice}</p>
          <button type="button" aria-label="Dismiss notice" onClick={() => useStore.setState({ notice: null })}>
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
