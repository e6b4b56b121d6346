/**
 * The format of `data/manifest.json` (written by scripts/prepare-data.mjs and prepare-cifar.mjs) and
 * its parser, which turns every wrong answer into a message naming the file and the fix. Pure: no
 * fetch, no Vite globals, so Node tests drive it.
 */
import { looksLikeHtml, PREPARE_DATA_FIX, type FileFacts } from '../core/data/download';
import { DataFormatError } from '../core/data/types';
import type { DatasetId } from '../core/settings';
import { errorText } from '../core/errorText';

/** The manifest's path as messages name it. */
export const MANIFEST_PATH = 'data/manifest.json';

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
    throw new DataFormatError(
      `${MANIFEST_PATH} is missing on the server (HTTP ${status}): the datasets have not been prepared there. ${PREPARE_DATA_FIX}.`,
    );
  }
  if (status < 200 || status >= 300) {
    throw new DataFormatError(
      `The server answered HTTP ${status} for ${MANIFEST_PATH}, the list of datasets. Try again; if it keeps failing, check the server.`,
    );
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
    throw new DataFormatError(`${MANIFEST_PATH} is damaged: it is not valid JSON (${errorText(e)}). ${PREPARE_DATA_FIX}.`);
  }
  const datasets = json && typeof json === 'object' ? (json as { datasets?: unknown }).datasets : undefined;
  if (!datasets || typeof datasets !== 'object' || Array.isArray(datasets)) {
    throw new DataFormatError(`${MANIFEST_PATH} is not a dataset list (no "datasets" in it). ${PREPARE_DATA_FIX}.`);
  }
  return json as Manifest;
}
