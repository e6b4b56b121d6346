/**
 * Fetching the prepared datasets inside the worker: progress as bytes arrive, a Cache Storage copy
 * so the second visit loads from disk, and the parsed splits kept in memory across runs.
 *
 * Every file is checked against the manifest (byte count, SHA-256, of whichever form arrived: gzip'd,
 * or decompressed by the browser) before it is parsed, so a missing, truncated, damaged or HTML
 * download gets a message naming the file and what to do; only a dataset that parsed completely is
 * written to the cache, and a damaged cached copy is replaced. A download that receives nothing for
 * a while is given up; Stop (the caller's AbortSignal) ends it at once.
 */
import { loadCifarFromFiles, CIFAR_PREPARED_FILES } from '../core/data/cifar';
import { FASHION_CLASSES, MNIST_CLASSES } from '../core/data/classes';
import {
  brokeOffProblem,
  DEFAULT_STALL_MS,
  DownloadProgress,
  downloadFile,
  httpProblem,
  networkProblem,
  PREPARE_DATA_FIX,
  StallError,
  stallProblem,
} from '../core/data/download';
import { problemWith } from '../core/data/integrity';
import { IDX_FILE_NAMES, loadIdxSplit, type IdxFileKey } from '../core/data/idx';
import { DataFormatError, type DatasetSplit } from '../core/data/types';
import { datasetLabel } from '../core/modelFile';
import type { DatasetId } from '../core/settings';
import { DATA_BASE_URL, fetchManifest, type DatasetManifestEntry } from '../shared/manifest';
import { errorText } from '../core/errorText';

const CACHE_NAME = 'cnn-playground-data-v1';

export type ProgressFn = (loadedBytes: number, totalBytes: number) => void;

const loaded = new Map<DatasetId, DatasetSplit>();

/** A user-supplied CIFAR-10 replaces (or provides) the server's copy for this session. */
export function setUploadedCifar(split: DatasetSplit): void {
  loaded.set('cifar10', split);
}

/** How long a download may go without a byte; the e2e tests shorten it (`debug-config`, debugHook.ts). */
let stallMs = DEFAULT_STALL_MS;
export function setStallTimeout(ms: number): void {
  stallMs = ms;
}

/**
 * Returns the dataset, from memory if already parsed, else fetched (or from cache) and parsed.
 * `signal` stops the download at once (the promise then rejects with its reason).
 */
export async function loadDataset(id: DatasetId, onProgress: ProgressFn, signal?: AbortSignal): Promise<DatasetSplit> {
  const cached = loaded.get(id);
  if (cached) return cached;
  const manifest = await untilAborted(fetchManifest(), signal);
  const entry = manifest.datasets[id];
  if (!entry || !entry.available) {
    throw new DataFormatError(
      id === 'cifar10'
        ? 'CIFAR-10 is not prepared on this server. Load cifar-10-binary.tar.gz with the file picker in the Data panel, or prepare it on the server once: npm run prepare-cifar -- path/to/cifar-10-binary.tar.gz.'
        : `${datasetLabel(id)} is not available on this server: ${entry?.reason ?? PREPARE_DATA_FIX}.`,
    );
  }
  const names: string[] =
    id === 'cifar10'
      ? [CIFAR_PREPARED_FILES.train, CIFAR_PREPARED_FILES.test, CIFAR_PREPARED_FILES.meta]
      : (Object.keys(IDX_FILE_NAMES) as IdxFileKey[]).map((k) => `${IDX_FILE_NAMES[k]}.gz`);
  const { bytes, commit } = await fetchAll(id, names, entry, onProgress, signal);
  let split: DatasetSplit;
  if (id === 'cifar10') {
    split = await loadCifarFromFiles(names.map((name, i) => ({ name, bytes: bytes[i]! })));
  } else {
    const keys = Object.keys(IDX_FILE_NAMES) as IdxFileKey[];
    const files = Object.fromEntries(keys.map((k, i) => [k, bytes[i]!])) as Record<IdxFileKey, Uint8Array>;
    split = await loadIdxSplit(files, id === 'mnist' ? MNIST_CLASSES : FASHION_CLASSES);
  }
  await commit();
  loaded.set(id, split);
  return split;
}

/** `promise`, or the signal's reason as soon as it aborts (the promise itself goes on, unobserved). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Downloads (or reads from the cache) every file of a dataset and checks each against the manifest.
 * `commit` writes the fresh downloads to the cache: call it once the dataset has parsed.
 */
async function fetchAll(
  id: DatasetId,
  names: string[],
  entry: DatasetManifestEntry,
  onProgress: ProgressFn,
  signal: AbortSignal | undefined,
): Promise<{ bytes: Uint8Array[]; commit: () => Promise<void> }> {
  const progress = new DownloadProgress(names.map((name) => ({ name, facts: entry.files?.[name] })));
  const report = () => onProgress(progress.loaded, progress.total);
  const cache = await openCache();
  const fresh: { url: string; bytes: Uint8Array }[] = [];
  // The first failure stops the other downloads: their bytes are of no use any more.
  const failed = new AbortController();
  const stop = signal ? eitherSignal(signal, failed.signal) : failed.signal;
  const bytes = await Promise.all(
    names.map(async (name, i) => {
      const file = entry.files?.[name];
      const path = `data/${id}/${name}`;
      try {
        // The content hash in the query makes a re-prepared file a new cache entry.
        const url = new URL(`${DATA_BASE_URL}${id}/${name}?v=${file?.sha256?.slice(0, 16) ?? 'x'}`, self.location.href).href;
        const cached = cache ? await cache.match(url).catch(() => undefined) : undefined;
        if (cached) {
          const out = await cached.arrayBuffer().then(
            (b) => new Uint8Array(b),
            () => null,
          );
          if (out && (await problemWith(path, out, file)) === null) {
            progress.finish(i);
            report();
            return out;
          }
          // A damaged cached copy: drop it and download again.
          await cache?.delete(url).catch(() => false);
        }
        let got: Awaited<ReturnType<typeof downloadFile>>;
        let received = 0;
        try {
          got = await downloadFile(url, {
            signal: stop,
            stallMs,
            onBytes: (n, first) => {
              received = n;
              progress.update(i, n, first);
              report();
            },
          });
        } catch (e) {
          if (e instanceof StallError) throw new DataFormatError(stallProblem(path, Math.round(e.ms / 1000), e.received, file?.bytes));
          if (stop.aborted) throw e;
          const detail = errorText(e);
          // Failing before any byte arrived is a connection problem; after, the body broke off.
          throw new DataFormatError(received > 0 ? brokeOffProblem(path, detail) : networkProblem(path, detail));
        }
        if (got.status < 200 || got.status >= 300) throw new DataFormatError(httpProblem(path, got.status));
        const problem = await problemWith(path, got.bytes, file);
        if (problem) throw new DataFormatError(problem);
        progress.finish(i);
        report();
        fresh.push({ url, bytes: got.bytes });
        return got.bytes;
      } catch (e) {
        failed.abort(e);
        throw e;
      }
    }),
  ).catch((e: unknown) => {
    // The caller's stop wins over the errors it caused in the other downloads.
    throw signal?.aborted ? signal.reason : e;
  });
  const commit = async () => {
    if (!cache) return;
    for (const f of fresh) {
      await cache
        .put(f.url, new Response(f.bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-type': 'application/octet-stream' } }))
        .catch(() => undefined);
    }
  };
  return { bytes, commit };
}

/** Aborts when either does (AbortSignal.any, where the browser lacks it: Safari < 17.4, Firefox < 124). */
function eitherSignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  if (typeof AbortSignal.any === 'function') return AbortSignal.any([a, b]);
  const both = new AbortController();
  for (const s of [a, b]) {
    if (s.aborted) both.abort(s.reason);
    else s.addEventListener('abort', () => both.abort(s.reason), { once: true });
  }
  return both.signal;
}

async function openCache(): Promise<Cache | null> {
  try {
    return typeof caches === 'undefined' ? null : await caches.open(CACHE_NAME);
  } catch {
    return null; // e.g. storage disabled: just download every time
  }
}
