/** Dataset downloads: progress that never passes 100 %, the stall watchdog, Stop, and the messages. */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  arrivedDecoded,
  DownloadProgress,
  downloadFile,
  DownloadStopped,
  httpProblem,
  looksLikeHtml,
  StallError,
  stallProblem,
} from './download';

const raw = new Uint8Array(40_000).map((_, i) => (i * 7) % 13);
const gz = new Uint8Array(gzipSync(raw));
const facts = { bytes: gz.length, sha256: 'x', rawBytes: raw.length, rawSha256: 'y' };

/** A fetch whose body is `chunks`, each sent when `gate(i)` resolves (a never-resolving gate stalls it). */
function fakeFetch(chunks: Uint8Array[], gate: (i: number) => Promise<void> = () => Promise.resolve(), status = 200): typeof fetch {
  return ((_url: string, init?: RequestInit) => {
    const signal = init?.signal ?? undefined;
    let i = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(ctrl) {
        if (i >= chunks.length) return ctrl.close();
        await gate(i);
        ctrl.enqueue(chunks[i++]);
      },
    });
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    return Promise.resolve(new Response(body, { status, headers: { 'content-type': 'application/octet-stream' } }));
  }) as typeof fetch;
}
const never = () => new Promise<void>(() => undefined);

describe('DownloadProgress', () => {
  const files = [
    { name: 'a.gz', facts },
    { name: 'b.gz', facts: { ...facts } },
  ];
  it('counts gzip bytes against the stored size', () => {
    const p = new DownloadProgress(files);
    p.update(0, gz.length / 2, gz.subarray(0, 10));
    expect(p.loaded).toBeCloseTo(gz.length / 2);
    expect(p.total).toBe(2 * gz.length);
  });
  it('counts decompressed bytes (Content-Encoding: gzip) by the decompressed size: never past 100 %', () => {
    const p = new DownloadProgress(files);
    p.update(0, raw.length / 2, raw.subarray(0, 10));
    expect(p.loaded).toBeCloseTo(gz.length / 2);
    p.update(0, raw.length, raw.subarray(0, 10));
    p.update(1, raw.length, raw.subarray(0, 10));
    expect(p.loaded).toBe(p.total);
    // More bytes than the manifest says (a damaged file): still capped; the integrity check names it.
    p.update(1, raw.length * 3, raw.subarray(0, 10));
    expect(p.loaded).toBe(p.total);
  });
  it('an old manifest without the decompressed size: the file counts once complete, not before', () => {
    const p = new DownloadProgress([{ name: 'a.gz', facts: { bytes: gz.length, sha256: 'x' } }]);
    p.update(0, raw.length, raw.subarray(0, 10));
    expect(p.loaded).toBe(0);
    p.finish(0);
    expect(p.loaded).toBe(p.total);
  });
});

describe('downloadFile', () => {
  it('reads the body in chunks and reports the bytes', async () => {
    const seen: number[] = [];
    const got = await downloadFile('x', { fetchImpl: fakeFetch([gz.subarray(0, 100), gz.subarray(100)]), onBytes: (n) => seen.push(n) });
    expect(got.status).toBe(200);
    expect(got.bytes).toEqual(gz);
    expect(seen).toEqual([100, gz.length]);
  });

  it('gives up a body that stops sending, with a StallError saying how much arrived', async () => {
    const fetchImpl = fakeFetch([gz.subarray(0, 100), gz.subarray(100)], (i) => (i === 0 ? Promise.resolve() : never()));
    const error = await downloadFile('x', { fetchImpl, stallMs: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StallError);
    expect((error as StallError).received).toBe(100);
  });

  it('gives up a request whose response never comes', async () => {
    const fetchImpl = ((_: string, init?: RequestInit) =>
      new Promise((_r, reject) => init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))))) as typeof fetch;
    await expect(downloadFile('x', { fetchImpl, stallMs: 50 })).rejects.toBeInstanceOf(StallError);
  });

  it('Stop ends a stalled download at once, with the caller’s reason', async () => {
    const ctrl = new AbortController();
    const pending = downloadFile('x', { fetchImpl: fakeFetch([gz], never), signal: ctrl.signal, stallMs: 60_000 });
    setTimeout(() => ctrl.abort(new DownloadStopped()), 10);
    await expect(pending).rejects.toBeInstanceOf(DownloadStopped);
  });

  it('resolves a non-2xx answer with its status and no body', async () => {
    const got = await downloadFile('x', { fetchImpl: fakeFetch([new Uint8Array([1])], undefined, 404) });
    expect(got.status).toBe(404);
    expect(got.bytes.length).toBe(0);
  });
});

describe('recognising what arrived', () => {
  it('a web page, with or without a doctype, BOM or leading blanks', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(looksLikeHtml(enc('<!doctype html>\n<html lang="en">'))).toBe(true);
    expect(looksLikeHtml(enc('\uFEFF  \n<html><head>'))).toBe(true);
    expect(looksLikeHtml(gz)).toBe(false);
    expect(looksLikeHtml(raw)).toBe(false);
    expect(looksLikeHtml(enc('airplane\nautomobile'))).toBe(false);
  });
  it('a .gz file the browser already decompressed', () => {
    expect(arrivedDecoded('a.gz', gz)).toBe(false);
    expect(arrivedDecoded('a.gz', raw)).toBe(true);
    expect(arrivedDecoded('batches.meta.txt', raw)).toBe(false);
  });
});

describe('messages name the file and the fix', () => {
  it('a missing file points at npm run prepare-data; a server error at trying again', () => {
    expect(httpProblem('data/mnist/a.gz', 404)).toMatch(/^data\/mnist\/a\.gz is missing on the server \(HTTP 404\).*npm run prepare-data/);
    expect(httpProblem('data/mnist/a.gz', 503)).toMatch(/HTTP 503.*Try again/);
  });
  it('a stall says how long and how much arrived', () => {
    expect(stallProblem('data/mnist/a.gz', 30, 0, 9_659_188)).toMatch(/stalled: no data for 30 s \(nothing received\)/);
    expect(stallProblem('data/mnist/a.gz', 30, 5_200_000, 9_659_188)).toMatch(/\(5\.2 MB of 9\.7 MB received\)/);
  });
});
