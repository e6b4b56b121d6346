import { describe, expect, it } from 'vitest';
import { CROSS_ORIGIN_ISOLATION, withCrossOriginIsolation } from './crossOriginIsolation';

describe('withCrossOriginIsolation (what the service worker does to each response it serves)', () => {
  it('adds COOP same-origin and COEP require-corp, keeping status, type headers and body', async () => {
    const original = new Response('<!doctype html><p>app</p>', {
      status: 200,
      statusText: 'OK',
      headers: { 'content-type': 'text/html; charset=utf-8', 'x-extra': '1' },
    });
    const out = withCrossOriginIsolation(original);
    expect(out.headers.get('Cross-Origin-Opener-Policy')).toBe('same-origin');
    expect(out.headers.get('Cross-Origin-Embedder-Policy')).toBe('require-corp');
    expect(out.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(out.headers.get('x-extra')).toBe('1');
    expect(out.status).toBe(200);
    expect(out.statusText).toBe('OK');
    expect(await out.text()).toBe('<!doctype html><p>app</p>');
  });

  it('overrides a weaker policy the host sends', () => {
    const out = withCrossOriginIsolation(new Response('x', { headers: { 'Cross-Origin-Embedder-Policy': 'unsafe-none' } }));
    expect(out.headers.get('Cross-Origin-Embedder-Policy')).toBe('require-corp');
  });

  it('returns the response itself when the host already isolates the page', () => {
    const original = new Response('x', { headers: CROSS_ORIGIN_ISOLATION });
    expect(withCrossOriginIsolation(original)).toBe(original);
  });

  it('leaves error responses alone and copies bodiless statuses without a body', () => {
    const error = Response.error();
    expect(withCrossOriginIsolation(error)).toBe(error);
    const notModified = withCrossOriginIsolation(new Response(null, { status: 304 }));
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get('Cross-Origin-Opener-Policy')).toBe('same-origin');
  });

  it('keeps binary bodies byte for byte (the WASM binaries and the datasets go through it)', async () => {
    const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 255]);
    const out = withCrossOriginIsolation(new Response(bytes, { headers: { 'content-type': 'application/wasm' } }));
    expect(new Uint8Array(await out.arrayBuffer())).toEqual(bytes);
  });
});
