/**
 * Cross-origin isolation: the two headers that make a page cross-origin isolated, which
 * SharedArrayBuffer, hence tfjs's WASM threads, require. Defined once: the dev and preview servers
 * send them (vite.config.ts), and the service worker (src/sw/sw.ts) adds them to what it serves, so
 * that a static host that cannot set headers (GitHub Pages) still gets threads from the second visit.
 * `require-corp` is safe: the app loads nothing from another origin without CORS.
 */
export const CROSS_ORIGIN_ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

/**
 * `response` with the isolation headers, as a copy; unchanged when it already has them (the host
 * sends them), when it is opaque (a no-cors cross-origin response cannot be copied) or an error.
 */
export function withCrossOriginIsolation(response: Response): Response {
  if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0) return response;
  const has = Object.entries(CROSS_ORIGIN_ISOLATION).every(([name, value]) => response.headers.get(name) === value);
  if (has) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(CROSS_ORIGIN_ISOLATION)) headers.set(name, value);
  // A 204/304 has no body; `new Response` refuses one for them.
  const body = response.status === 204 || response.status === 304 ? null : response.body;
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}
