/**
 * Fetching the prepared datasets inside the worker: progress as bytes arrive, a Cache Storage copy
 * so the second visit loads from disk, and the parsed splits kept in memory across runs.
 *
 * Every file is checked against the manifest (byte count, SHA-256) before it is parsed, so a
 * truncated or damaged download gets a message naming the file and what is wrong with it; only a
 * dataset that parsed completely is written to the cache, and a damaged cached copy is replaced.
 */
import { loadCifarFromFiles, CIFAR_PREPARED_FILES } from '../core/data/cifar';
import { FASHION_CLASSES, MNIST_CLASSES } from '../core/data/classes';
import { problemWith } from '../core/data/integrity';
import { IDX_FILE_NAMES, loadIdxSplit, type IdxFileKey } from '../core/data/idx';
import { DataFormatError, type DatasetSplit } from '../core/data/types';
import type { DatasetId } from '../core/settings';
import { DATA_BASE_URL, fetchManifest, type DatasetManifestEntry } from '../shared/manifest';

const CACHE_NAME = 'cnn-playground-data-v1';

export type ProgressFn = (loadedBytes: number, totalBytes: number) => void;

const loaded = new Map<DatasetId, DatasetSplit>();

/** A user-supplied CIFAR-10 replaces (or provides) the server's copy for this session. */
export function setUploadedCifar(split: DatasetSplit): void {
  loaded.set('cifar10', split);
}

/** Returns the dataset, from memory if already parsed, else fetched (or from cache) and parsed. */
export async function loadDataset(id: DatasetId, onProgress: ProgressFn): Promise<DatasetSplit> {
  const cached = loaded.get(id);
  if (cached) return cached;
  const manifest = await fetchManifest();
  const entry = manifest.datasets[id];
  if (!entry || !entry.available) {
    throw new DataFormatError(
      id === 'cifar10'
        ? 'CIFAR-10 is not prepared on this server. Load cifar-10-binary.tar.gz with the file picker, or run `npm run prepare-cifar -- <archive>`.'
        : `${id} is not available on this server: ${entry?.reason ?? 'run npm run prepare-data'}.`,
    );
  }
  const names: string[] =
    id === 'cifar10'
      ? [CIFAR_PREPARED_FILES.train, CIFAR_PREPARED_FILES.test, CIFAR_PREPARED_FILES.meta]
      : (Object.keys(IDX_FILE_NAMES) as IdxFileKey[]).map((k) => `${IDX_FILE_NAMES[k]}.gz`);
  const { bytes, commit } = await fetchAll(id, names, entry, onProgress);
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

/**
 * Downloads (or reads from the cache) every file of a dataset and checks each against the manifest.
 * `commit` writes the fresh downloads to the cache: call it once the dataset has parsed.
 */
async function fetchAll(id: DatasetId, names: string[], entry: DatasetManifestEntry, onProgress: ProgressFn): Promise<{ bytes: Uint8Array[]; commit: () => Promise<void> }> {
  const sizes = names.map((n) => entry.files?.[n]?.bytes ?? 0);
  const total = sizes.reduce((a, b) => a + b, 0);
  const done = names.map(() => 0);
  const report = () => onProgress(done.reduce((a, b) => a + b, 0), total);
  const cache = await openCache();
  const fresh: { url: string; bytes: Uint8Array }[] = [];
  const bytes = await Promise.all(
    names.map(async (name, i) => {
      const file = entry.files?.[name];
      // The content hash in the query makes a re-prepared file a new cache entry.
      const url = new URL(`${DATA_BASE_URL}${id}/${name}?v=${file?.sha256?.slice(0, 16) ?? 'x'}`, self.location.href).href;
      const onBytes = (n: number) => {
        done[i] = n;
        report();
      };
      const cached = cache ? await cache.match(url).catch(() => undefined) : undefined;
      if (cached) {
        const out = await readWithProgress(cached, onBytes).catch(() => null);
        if (out && (await problemWith(name, out, file)) === null) return out;
        // A damaged cached copy: drop it and download again.
        await cache?.delete(url).catch(() => false);
      }
      let response: Response;
      try {
        response = await fetch(url);
      } catch (e) {
        throw new DataFormatError(`Could not download ${id}/${name}: ${e instanceof Error ? e.message : String(e)}. Check the connection and try again.`);
      }
      if (!response.ok) throw new DataFormatError(`Could not download ${id}/${name}: HTTP ${response.status}.`);
      let out: Uint8Array;
      try {
        out = await readWithProgress(response, onBytes);
      } catch (e) {
        throw new DataFormatError(`The download of ${id}/${name} broke off (${e instanceof Error ? e.message : String(e)}). Try again.`);
      }
      const problem = await problemWith(name, out, file);
      if (problem) throw new DataFormatError(`${id}/${name} ${problem}`);
      fresh.push({ url, bytes: out });
      return out;
    }),
  );
  const commit = async () => {
    if (!cache) return;
    for (const f of fresh) {
      await cache.put(f.url, new Response(f.bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-type': 'application/octet-stream' } })).catch(() => undefined);
    }
  };
  return { bytes, commit };
}


async function openCache(): Promise<Cache | null> {
  try {
    return typeof caches === 'undefined' ? null : await caches.open(CACHE_NAME);
  } catch {
    return null; // e.g. storage disabled: just download every time
  }
}

async function readWithProgress(response: Response, onBytes: (n: number) => void): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.length;
    onBytes(length);
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}
