/** The download check of the dataset loader: byte count and SHA-256 against the manifest, for either form of a .gz file. */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { problemWith } from './integrity';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const raw = new Uint8Array(5000).map((_, i) => i % 251);
const gz = new Uint8Array(gzipSync(raw));
const manifest = { bytes: gz.length, sha256: sha(gz), rawBytes: raw.length, rawSha256: sha(raw) };
const old = { bytes: gz.length, sha256: sha(gz) };
const fmt = (n: number) => n.toLocaleString('en-US');

describe('problemWith (a downloaded dataset file against the manifest)', () => {
  it('accepts the exact file in either form, and a file the manifest does not describe', async () => {
    expect(await problemWith('x.gz', gz, manifest)).toBeNull();
    expect(await problemWith('x.gz', raw, manifest)).toBeNull();
    expect(await problemWith('x.gz', gz, undefined)).toBeNull();
  });

  it('names a truncated file with both byte counts, in the form it arrived in', async () => {
    expect(await problemWith('x.gz', gz.subarray(0, 5), manifest)).toBe(
      `x.gz is truncated: got 5 of ${fmt(gz.length)} bytes. Try again to download it again; if it stays truncated, prepare the data on the server again (npm run prepare-data).`,
    );
    expect(await problemWith('x.gz', raw.subarray(0, 4000), manifest)).toBe(
      'x.gz is truncated: got 4,000 of 5,000 bytes (decompressed by the browser). Try again to download it again; if it stays truncated, prepare the data on the server again (npm run prepare-data).',
    );
  });

  it("names a longer file and a file with other bytes, gzip'd or decompressed", async () => {
    expect(await problemWith('x.gz', new Uint8Array([...gz, 0]), manifest)).toMatch(
      /^x\.gz has [\d,]+ bytes where the server's dataset list says [\d,]+.*npm run prepare-data/,
    );
    const damaged = gz.slice();
    damaged[gz.length >> 1] = damaged[gz.length >> 1]! ^ 0xff;
    expect(await problemWith('x.gz', damaged, manifest)).toMatch(
      /^x\.gz is corrupted: its SHA-256 \([0-9a-f]{12}…\) does not match the server's dataset list/,
    );
    const damagedRaw = raw.slice();
    damagedRaw[100] = damagedRaw[100]! ^ 0xff;
    expect(await problemWith('x.gz', damagedRaw, manifest)).toMatch(/^x\.gz is corrupted: its SHA-256 \(decompressed by the browser\)/);
  });

  it("a web page instead of the data (a static host's index.html) names the file and npm run prepare-data", async () => {
    const html = new TextEncoder().encode('<!doctype html>\n<html lang="en"><head><title>CNN Playground</title>');
    const message = await problemWith('data/mnist/x.gz', html, manifest);
    expect(message).toMatch(/^data\/mnist\/x\.gz: the server sent a web page \(HTML\) instead of this data file/);
    expect(message).toContain('npm run prepare-data');
    expect(await problemWith('data/mnist/x.gz', html, undefined)).toBe(message);
  });

  it('an older manifest cannot judge a decompressed .gz (the parsers do), but still judges the gzip form', async () => {
    expect(await problemWith('x.gz', raw.subarray(0, 10), old)).toBeNull();
    expect(await problemWith('x.gz', gz.subarray(0, 5), old)).toMatch(/truncated/);
  });
});
