/**
 * Fetching the prepared datasets inside the worker: progress as bytes arrive, a Cache Storage copy
 * so the second visit loads from disk, and the parsed splits kept in memory across runs.
 */
import { loadCifarFromFiles, CIFAR_PREPARED_FILES } from '../core/data/cifar';
import { FASHION_CLASSES, MNIST_CLASSES } from '../core/data/classes';
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
  const bytes = await fetchAll(id, names, entry, onProgress);
  let split: DatasetSplit;
  if (id === 'cifar10') {
    split = await loadCifarFromFiles(names.map((name, i) => ({ name, bytes: bytes[i]! })));
  } else {
    const keys = Object.keys(IDX_FILE_NAMES) as IdxFileKey[];
    const files = Object.fromEntries(keys.map((k, i) => [k, bytes[i]!])) as Record<IdxFileKey, Uint8Array>;
    split = await loadIdxSplit(files, id === 'mnist' ? MNIST_CLASSES : FASHION_CLASSES);
  }
  loaded.set(id, split);
  return split;
}

async function fetchAll(id: DatasetId, names: string[], entry: DatasetManifestEntry, onProgress: ProgressFn): Promise<Uint8Array[]> {
  const sizes = names.map((n) => entry.files?.[n]?.bytes ?? 0);
  const total = sizes.reduce((a, b) => a + b, 0);
  const done = names.map(() => 0);
  const report = () => onProgress(done.reduce((a, b) => a + b, 0), total);
  const cache = await openCache();
  return Promise.all(
    names.map(async (name, i) => {
      // The content hash in the query makes a re-prepared file a new cache entry.
      const version = entry.files?.[name]?.sha256?.slice(0, 16) ?? 'x';
      const url = new URL(`${DATA_BASE_URL}${id}/${name}?v=${version}`, self.location.href).href;
      let response = cache ? await cache.match(url) : undefined;
      const fromCache = response !== undefined;
      if (!response) {
        response = await fetch(url);
        if (!response.ok) throw new DataFormatError(`Could not download ${id}/${name}: HTTP ${response.status}.`);
      }
      const out = await readWithProgress(response.clone(), (n) => {
        done[i] = n;
        report();
      });
      const expected = sizes[i]!;
      // A short read with a declared size means a truncated transfer; don't cache it.
      if (expected > 0 && out.length !== expected && out[0] === 0x1f && out[1] === 0x8b) {
        if (fromCache) await cache?.delete(url);
        throw new DataFormatError(`${id}/${name} is truncated: got ${out.length.toLocaleString('en-US')} of ${expected.toLocaleString('en-US')} bytes. Reload to try again.`);
      }
      if (!fromCache && cache) await cache.put(url, response).catch(() => undefined);
      return out;
    }),
  );
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
