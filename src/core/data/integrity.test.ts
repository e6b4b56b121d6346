/** The download check of the dataset loader: byte count and SHA-256 against the manifest. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { problemWith } from './integrity';

const gz = new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
const manifest = { bytes: gz.length, sha256: createHash('sha256').update(gz).digest('hex') };

describe('problemWith (a downloaded dataset file against the manifest)', () => {
  it('accepts the exact file, and a file the manifest does not describe', async () => {
    expect(await problemWith('x.gz', gz, manifest)).toBeNull();
    expect(await problemWith('x.gz', gz, undefined)).toBeNull();
  });

  it('names a truncated file with both byte counts', async () => {
    expect(await problemWith('x.gz', gz.subarray(0, 5), manifest)).toBe('is truncated: got 5 of 12 bytes. Reload to download it again.');
  });

  it('names a longer file and a file with other bytes', async () => {
    expect(await problemWith('x.gz', new Uint8Array([...gz, 0]), manifest)).toMatch(/^has 13 bytes where the server's manifest says 12/);
    const damaged = gz.slice();
    damaged[6] = 99;
    expect(await problemWith('x.gz', damaged, manifest)).toMatch(/^is corrupted: its SHA-256 \([0-9a-f]{12}…\) does not match the server's manifest/);
  });

  it('cannot judge a .gz the server already decompressed (Content-Encoding): the parsers do', async () => {
    expect(await problemWith('x.gz', new Uint8Array([0, 0, 8, 3, 9]), manifest)).toBeNull();
  });
});
