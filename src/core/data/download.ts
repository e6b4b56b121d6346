/**
 * Downloading a prepared dataset file, and saying what went wrong when it does not arrive:
 * - {@link downloadFile}: `fetch` with a stall watchdog (no byte for `stallMs`, headers included,
 *   ends the request) and the caller's AbortSignal (Stop ends it at once), reporting bytes as they come;
 * - {@link DownloadProgress}: progress over several files that never passes 100 %, whichever form each
 *   file arrives in — a server that sends `.gz` files with `Content-Encoding: gzip` (Vite's preview,
 *   many static hosts) makes the browser hand over the decompressed bytes, several times the size the
 *   manifest gives for the file;
 * - the messages: each names the file and what to do next.
 *
 * Framework-free (fetch, streams, AbortController, timers): runs in the worker and in Node tests.
 */
import { isGzip } from './idx';

/** What the server's manifest records about one file (see scripts/prepare-data.mjs). */
export interface FileFacts {
  /** Size and SHA-256 of the file as stored on the server (gzip'd for `.gz` names). */
  readonly bytes: number;
  readonly sha256: string;
  /** Size and SHA-256 of the decompressed content of a `.gz` file; absent in manifests written before they were recorded. */
  readonly rawBytes?: number;
  readonly rawSha256?: string;
}

/** What fixes data that was never prepared (or prepared partly) on the server. */
export const PREPARE_DATA_FIX =
  'On the server, run npm run prepare-data in the app\'s folder (npm start does it too; README, "Set-up"), then try again';

/** How long a download may go without receiving a byte before it is given up. */
export const DEFAULT_STALL_MS = 30_000;

/** True when `bytes` looks like a web page: what a server (or a static host's fallback to index.html) sends for a missing file. */
export function looksLikeHtml(bytes: Uint8Array): boolean {
  const head = new TextDecoder('utf-8', { fatal: false })
    .decode(bytes.subarray(0, 1024))
    .replace(/^\uFEFF/, '')
    .trimStart()
    .toLowerCase();
  return head.startsWith('<') && /<!doctype html|<html|<head|<body|<script|<meta/.test(head);
}

/** True when `bytes` of a `.gz` file arrived already decompressed (the server sent `Content-Encoding: gzip`). */
export function arrivedDecoded(name: string, bytes: Uint8Array): boolean {
  return name.endsWith('.gz') && bytes.length > 0 && !isGzip(bytes);
}

const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

/** The data file (`path`, e.g. `data/mnist/x.gz`) came back as a web page. */
export function htmlInsteadOfData(path: string): string {
  return `${path}: the server sent a web page (HTML) instead of this data file — the file is not on the server (a static host answers every missing file with index.html). The datasets are not prepared there. ${PREPARE_DATA_FIX}.`;
}

/** The server answered `status` for a file the manifest lists. */
export function httpProblem(path: string, status: number): string {
  if (status === 404 || status === 410) {
    return `${path} is missing on the server (HTTP ${status}), though the dataset list names it: the prepared data is incomplete. ${PREPARE_DATA_FIX}.`;
  }
  if (status >= 500) return `The server failed to send ${path} (HTTP ${status}). Try again; if it keeps failing, check the server.`;
  return `The server refused ${path} (HTTP ${status}). Check that the app's data folder is served, then try again.`;
}

/** Nothing arrived for `seconds`: the request was given up. */
export function stallProblem(path: string, seconds: number, received: number, expected: number | undefined): string {
  const got = received === 0 ? 'nothing received' : expected ? `${mb(received)} of ${mb(expected)} received` : `${mb(received)} received`;
  return `The download of ${path} stalled: no data for ${seconds} s (${got}). The connection or the server stopped answering. Try again; if it stalls again, check the connection or the server.`;
}

/** The request failed outright (offline, connection reset, DNS). */
export function networkProblem(path: string, detail: string): string {
  return `Could not download ${path} (${detail}). Check the connection, then try again.`;
}

/** The body broke off mid-way. */
export function brokeOffProblem(path: string, detail: string): string {
  return `The download of ${path} broke off (${detail}): the connection dropped, or the server's copy is damaged. Try again; if it keeps failing, prepare the data on the server again (npm run prepare-data).`;
}

/** A download given up because no byte arrived for `ms`. */
export class StallError extends Error {
  override readonly name = 'StallError';
  constructor(
    readonly ms: number,
    readonly received: number,
  ) {
    super(`no data for ${Math.round(ms / 1000)} s`);
  }
}

/** The caller stopped the download (the user pressed Stop, or a new run superseded this one). */
export class DownloadStopped extends Error {
  override readonly name = 'DownloadStopped';
  constructor() {
    super('stopped');
  }
}

export interface DownloadOptions {
  /** Stops the request at once: the promise rejects with the signal's reason (e.g. {@link DownloadStopped}). */
  readonly signal?: AbortSignal;
  /** No byte (or no response headers) for this long ends the request with a {@link StallError}. */
  readonly stallMs?: number;
  /** Bytes received so far, and the first chunk (to tell a gzip'd body from a decoded one). */
  readonly onBytes?: (received: number, first: Uint8Array) => void;
  /** For tests. */
  readonly fetchImpl?: typeof fetch;
}

/**
 * Fetches `url` and reads its whole body. A non-2xx status resolves too (with empty `bytes`, the
 * body unread): the caller phrases it. Rejects with a {@link StallError} when nothing arrives for
 * `stallMs`, with `signal.reason` when the caller aborts, and with the network's error otherwise.
 */
export async function downloadFile(
  url: string,
  options: DownloadOptions = {},
): Promise<{ status: number; contentType: string; bytes: Uint8Array }> {
  const { signal, stallMs = DEFAULT_STALL_MS, onBytes, fetchImpl = fetch } = options;
  const ctrl = new AbortController();
  let received = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => ctrl.abort(new StallError(stallMs, received)), stallMs);
  };
  const onAbort = () => ctrl.abort(signal?.reason);
  if (signal?.aborted) throw signal.reason;
  signal?.addEventListener('abort', onAbort, { once: true });
  // Whatever the platform rejects with after an abort, the reason the request was aborted for is what counts.
  const why = (e: unknown): unknown => (ctrl.signal.aborted ? ctrl.signal.reason : e);
  try {
    arm();
    let response: Response;
    try {
      response = await fetchImpl(url, { signal: ctrl.signal });
    } catch (e) {
      throw why(e);
    }
    const contentType = response.headers.get('content-type') ?? '';
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      return { status: response.status, contentType, bytes: new Uint8Array(0) };
    }
    const chunks: Uint8Array[] = [];
    try {
      if (!response.body) {
        chunks.push(new Uint8Array(await response.arrayBuffer()));
        received = chunks[0]!.length;
      } else {
        const reader = response.body.getReader();
        // A reader does not always settle when its request is aborted: race it against the abort.
        const aborted = new Promise<never>((_, reject) => {
          ctrl.signal.addEventListener('abort', () => reject(ctrl.signal.reason as Error), { once: true });
        });
        aborted.catch(() => undefined);
        for (;;) {
          const { done, value } = await Promise.race([reader.read(), aborted]);
          if (done) break;
          arm();
          chunks.push(value);
          received += value.length;
          onBytes?.(received, chunks[0]!);
        }
      }
    } catch (e) {
      throw why(e);
    }
    return { status: response.status, contentType, bytes: concat(chunks, received) };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

function concat(chunks: readonly Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/**
 * Progress over a dataset's files in the units of the manifest's (compressed) sizes: a file that
 * arrives decompressed counts its share by the decompressed size it should reach, so neither a file
 * nor the total ever passes 100 %. A decompressed file whose size the manifest does not record counts
 * only once complete.
 */
export class DownloadProgress {
  private readonly fraction: number[];
  readonly total: number;

  constructor(private readonly files: readonly { readonly name: string; readonly facts: FileFacts | undefined }[]) {
    this.fraction = files.map(() => 0);
    this.total = files.reduce((a, f) => a + (f.facts?.bytes ?? 0), 0);
  }

  /** File `i` has `received` bytes so far; `first` is its first chunk (gzip magic or not). */
  update(i: number, received: number, first: Uint8Array): void {
    const file = this.files[i];
    if (!file) return;
    const expected = arrivedDecoded(file.name, first) ? file.facts?.rawBytes : file.facts?.bytes;
    this.fraction[i] = expected ? Math.min(1, received / expected) : 0;
  }

  /** File `i` is complete (downloaded, or read from the cache). */
  finish(i: number): void {
    this.fraction[i] = 1;
  }

  /** Bytes done, in the units of {@link total}; never more than it. */
  get loaded(): number {
    return Math.min(
      this.total,
      this.files.reduce((a, f, i) => a + (f.facts?.bytes ?? 0) * this.fraction[i]!, 0),
    );
  }
}
