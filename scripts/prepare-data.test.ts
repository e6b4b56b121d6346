/**
 * scripts/prepare-data.mjs records, for each .gz file, the decompressed size and SHA-256 as well (what a
 * browser hands the app when the server sends the file with Content-Encoding: gzip), and adds them to a
 * manifest written before they were recorded. Run in a child process (the script is plain .mjs).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./prepare-data.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'prepare-data-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('addRawFacts (older manifests)', () => {
  it('adds rawBytes / rawSha256 to .gz entries that lack them, and leaves other files and complete entries alone', () => {
    const raw = new Uint8Array(3000).map((_, i) => i % 7);
    const gz = gzipSync(raw);
    writeFileSync(join(dir, 'a.gz'), gz);
    const entry = { available: true, files: { 'a.gz': { bytes: gz.length, sha256: sha(gz) }, 'meta.txt': { bytes: 3, sha256: 'x' } } };
    const code = `
      const m = await import(${JSON.stringify(script)});
      const entry = ${JSON.stringify(entry)};
      const first = await m.addRawFacts(${JSON.stringify(dir)}, entry);
      const second = await m.addRawFacts(${JSON.stringify(dir)}, entry);
      console.log(JSON.stringify({ first, second, entry }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { first: boolean; second: boolean; entry: typeof entry };
    expect(out.first).toBe(true);
    expect(out.second).toBe(false);
    expect(out.entry.files['a.gz']).toEqual({ bytes: gz.length, sha256: sha(gz), rawBytes: raw.length, rawSha256: sha(raw) });
    expect(out.entry.files['meta.txt']).toEqual({ bytes: 3, sha256: 'x' });
  });
});
