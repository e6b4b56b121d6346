/**
 * `data/manifest.json`, written by scripts/prepare-data.mjs and scripts/prepare-cifar.mjs: which
 * datasets this server has, their files' sizes (for progress) and hashes (for cache busting).
 * Read by the UI (dataset picker) and the worker (downloads).
 */
import type { DatasetId } from '../core/settings';

export const DATA_BASE_URL = `${import.meta.env.BASE_URL}data/`;

export interface DatasetManifestEntry {
  readonly available: boolean;
  readonly reason?: string;
  readonly train?: number;
  readonly test?: number;
  readonly source?: string;
  readonly files?: Readonly<Record<string, { readonly bytes: number; readonly sha256: string }>>;
}

export interface Manifest {
  readonly version: number;
  readonly datasets: Partial<Record<DatasetId, DatasetManifestEntry>>;
}

let pending: Promise<Manifest> | null = null;

/** Fetches the manifest once per thread; a failed fetch is retried on the next call. */
export function fetchManifest(): Promise<Manifest> {
  pending ??= (async () => {
    const response = await fetch(`${DATA_BASE_URL}manifest.json`, { cache: 'no-cache' });
    if (!response.ok) throw new Error(`No dataset manifest on the server (HTTP ${response.status}); run npm run prepare-data.`);
    const json = (await response.json()) as unknown;
    if (!json || typeof json !== 'object' || !('datasets' in json)) throw new Error('The dataset manifest is malformed; run npm run prepare-data again.');
    return json as Manifest;
  })().catch((error: unknown) => {
    pending = null;
    throw error;
  });
  return pending;
}
