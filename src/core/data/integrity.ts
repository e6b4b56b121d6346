/**
 * Checking a downloaded dataset file against what the server's manifest says about it (byte count,
 * SHA-256), so a truncated or damaged download gets a message that names what is wrong.
 */
import { isGzip } from './idx';

/**
 * What is wrong with a downloaded file, judged by the manifest's byte count and SHA-256; null if
 * nothing. A `.gz` file that arrives already decompressed (a server sending it with
 * `Content-Encoding: gzip`) cannot be compared; the parsers check its structure instead.
 */
export async function problemWith(name: string, bytes: Uint8Array, expected: { readonly bytes: number; readonly sha256: string } | undefined): Promise<string | null> {
  if (!expected || (name.endsWith('.gz') && !isGzip(bytes))) return null;
  const fmt = (n: number) => n.toLocaleString('en-US');
  if (expected.bytes > 0 && bytes.length < expected.bytes) {
    return `is truncated: got ${fmt(bytes.length)} of ${fmt(expected.bytes)} bytes. Reload to download it again.`;
  }
  if (expected.bytes > 0 && bytes.length > expected.bytes) {
    return `has ${fmt(bytes.length)} bytes where the server's manifest says ${fmt(expected.bytes)}: the file is damaged or was replaced without \`npm run prepare-data\`.`;
  }
  if (expected.sha256 && typeof crypto !== 'undefined' && crypto.subtle) {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
    const hex = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
    if (hex !== expected.sha256.toLowerCase()) {
      return `is corrupted: its SHA-256 (${hex.slice(0, 12)}…) does not match the server's manifest (${expected.sha256.slice(0, 12)}…). Reload to download it again; if that keeps failing, prepare the data on the server again (npm run prepare-data).`;
    }
  }
  return null;
}
