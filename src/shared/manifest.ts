/**
 * `data/manifest.json`, written by scripts/prepare-data.mjs and scripts/prepare-cifar.mjs: which
 * datasets this server has, their files' sizes (for progress) and hashes (for the integrity check
 * and cache busting). Read by the UI (dataset picker) and the worker (downloads).
 */
import { looksLikeHtml, PREPARE_DATA_FIX, type FileFacts } from '../core/data/download';
import { DataFormatError } from '../core/data/types';
import type { DatasetId } from '../core/settings';

export const DATA_BASE_URL = `${import.meta.env.BASE_URL}data/`;
/** The manifest's path as messages name it. */
export const MANIFEST_PATH = 'data/manifest.json';
/** A manifest request that has not finished after this long is given up. */
const MANIFEST_TIMEOUT_MS = 30_000;

export interface DatasetManifestEntry {
  readonly available: boolean;
  readonly reason?: string;
  readonly train?: number;
  readonly test?: number;
  readonly source?: string;
  readonly files?: Readonly<Record<string, FileFacts>>;
}

export interface Manifest {
  readonly version: number;
  readonly datasets: Partial<Record<DatasetId, DatasetManifestEntry>>;
}

/**
 * The manifest from the server's answer, or a DataFormatError saying what the answer was and what
 * to do: missing (404), a web page instead (a static host's index.html fallback), not JSON, not a
 * manifest. Pure: the part of {@link fetchManifest} that tests drive.
 */
export function parseManifest(status: number, body: Uint8Array): Manifest {
  if (status === 404 || status === 410) {
    throw new DataFormatError(`${MANIFEST_PATH} is missing on the server (HTTP ${status}): the datasets have not been prepared there. ${PREPARE_DATA_FIX}.`);
  }
  if (status < 200 || status >= 300) {
    throw new DataFormatError(`The server answered HTTP ${status} for ${MANIFEST_PATH}, the list of datasets. Try again; if it keeps failing, check the server.`);
  }
  if (looksLikeHtml(body)) {
    throw new DataFormatError(
      `${MANIFEST_PATH}: the server sent a web page (HTML) instead of the list of datasets — the file is not on the server (a static host answers every missing file with index.html). The datasets are not prepared there. ${PREPARE_DATA_FIX}.`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(body));
  } catch (e) {
    throw new DataFormatError(`${MANIFEST_PATH} is damaged: it is not valid JSON (${e instanceof Error ? e.message : String(e)}). ${PREPARE_DATA_FIX}.`);
  }
  const datasets = json && typeof json === 'object' ? (json as { datasets?: unknown }).datasets : undefined;
  if (!datasets || typeof datasets !== 'object' || Array.isArray(datasets)) {
    throw new DataFormatError(`${MANIFEST_PATH} is not a dataset list (no "datasets" in it). ${PREPARE_DATA_FIX}.`);
  }
  return json as Manifest;
}

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
      const timedOut = e instanceof Error && e.name === 'TimeoutError';
      throw new DataFormatError(
        timedOut
          ? `The server did not send ${MANIFEST_PATH}, the list of datasets, within ${MANIFEST_TIMEOUT_MS / 1000} s. Check the connection or the server, then try again.`
          : `Could not reach the server for ${MANIFEST_PATH}, the list of datasets (${e instanceof Error ? e.message : String(e)}). Check the connection, then try again.`,
      );
    }
    return parseManifest(response.status, body);
  })().catch((error: unknown) => {
    pending = null;
    throw error;
  });
  return pending;
}
