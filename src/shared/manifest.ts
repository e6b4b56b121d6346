/**
 * `data/manifest.json`, written by scripts/prepare-data.mjs and scripts/prepare-cifar.mjs: which
 * datasets this server has, their files' sizes (for progress) and hashes (for the integrity check
 * and cache busting). Read by the UI (dataset picker) and the worker (downloads).
 */
import { DataFormatError } from '../core/data/types';
import { appBaseUrl } from './appBase';
import { MANIFEST_PATH, parseManifest, type Manifest } from './manifestFormat';
import { errorText } from '../core/errorText';

export type { DatasetManifestEntry, Manifest } from './manifestFormat';

/** Absolute, so that it means the same in the UI thread and in a worker (see appBase.ts). */
export const DATA_BASE_URL = `${appBaseUrl()}data/`;
/** A manifest request that has not finished after this long is given up. */
const MANIFEST_TIMEOUT_MS = 30_000;

let pending: Promise<Manifest> | null = null;

/** Fetches the manifest once per thread; a failed fetch is retried on the next call. */
export function fetchManifest(): Promise<Manifest> {
  pending ??= (async () => {
    let response: Response;
    let body: Uint8Array;
    try {
      response = await fetch(`${DATA_BASE_URL}manifest.json`, { cache: 'no-cache', signal: AbortSignal.timeout(MANIFEST_TIMEOUT_MS) });
      body = response.ok ? new Uint8Array(await response.arrayBuffer()) : new Uint8Array(0);
    } catch (e) {
      const timedOut = (e as { name?: unknown } | null)?.name === 'TimeoutError';
      throw new DataFormatError(
        timedOut
          ? `The server did not send ${MANIFEST_PATH}, the list of datasets, within ${MANIFEST_TIMEOUT_MS / 1000} s. Check the connection or the server, then try again.`
          : `Could not reach the server for ${MANIFEST_PATH}, the list of datasets (${errorText(e)}). Check the connection, then try again.`,
      );
    }
    return parseManifest(response.status, body);
  })().catch((error: unknown) => {
    pending = null;
    throw error;
  });
  return pending;
}
