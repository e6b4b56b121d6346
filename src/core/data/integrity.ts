/**
 * Checking a downloaded dataset file against what the server's manifest says about it (byte count,
 * SHA-256), so a truncated, damaged or wrong download gets a message that names what is wrong.
 */
import { arrivedDecoded, htmlInsteadOfData, looksLikeHtml, PREPARE_DATA_FIX, type FileFacts } from './download';

/**
 * What is wrong with a downloaded file, judged by the manifest; null if nothing. `path` names the
 * file in the message (e.g. `data/mnist/train-images-idx3-ubyte.gz`).
 *
 * A `.gz` file may arrive as stored (gzip bytes) or already decompressed by the browser (the server
 * sent it with `Content-Encoding: gzip`): each form is checked against the manifest's size and hash of
 * that form. Manifests written before the decompressed form was recorded cannot judge it; the parsers
 * then check its structure.
 */
export async function problemWith(path: string, bytes: Uint8Array, expected: FileFacts | undefined): Promise<string | null> {
  if (looksLikeHtml(bytes)) return htmlInsteadOfData(path);
  if (!expected) return null;
  const decoded = arrivedDecoded(path, bytes);
  const size = decoded ? expected.rawBytes : expected.bytes;
  const hash = decoded ? expected.rawSha256 : expected.sha256;
  if (decoded && size === undefined && hash === undefined) return null;
  const form = decoded ? ' (decompressed by the browser)' : '';
  const fmt = (n: number) => n.toLocaleString('en-US');
  if (size !== undefined && size > 0 && bytes.length < size) {
    return `${path} is truncated: got ${fmt(bytes.length)} of ${fmt(size)} bytes${form}. Try again to download it again; if it stays truncated, prepare the data on the server again (npm run prepare-data).`;
  }
  if (size !== undefined && size > 0 && bytes.length > size) {
    return `${path} has ${fmt(bytes.length)} bytes${form} where the server's dataset list says ${fmt(size)}: the file was replaced or damaged on the server. ${PREPARE_DATA_FIX}.`;
  }
  if (hash && typeof crypto !== 'undefined' && crypto.subtle) {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
    const hex = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
    if (hex !== hash.toLowerCase()) {
      return `${path} is corrupted: its SHA-256${form} (${hex.slice(0, 12)}…) does not match the server's dataset list (${hash.slice(0, 12)}…). Try again to download it again; if that keeps failing, prepare the data on the server again (npm run prepare-data).`;
    }
  }
  return null;
}
