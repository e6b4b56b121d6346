/// <reference types="vite/client" />
/**
 * The app's root URL (where index.html, data/ and tfjs-wasm/ are served), the same from the UI thread
 * and from a worker, so the build works under any sub-path of a static host.
 *
 * The build uses a relative base (`./`, vite.config.ts). Relative to the page that is the page's
 * folder, but a worker resolves URLs against its own script, which the build puts in `assets/`: one
 * folder down from the root. The dev server uses an absolute base (`/`), which needs no such care.
 */
export function appBaseUrl(): string {
  const base = import.meta.env.BASE_URL;
  const doc = (globalThis as { document?: { baseURI: string } }).document;
  if (doc) return new URL(base, doc.baseURI).href;
  const here = (globalThis as { location?: { href: string } }).location?.href;
  if (!here) return base; // Node (unit tests): no location to resolve against
  if (/^(\/|[a-z][a-z0-9+.-]*:)/i.test(base)) return new URL(base, here).href;
  // A worker script of the build lives in assets/ (Vite's default assetsDir): the root is one level up.
  return new URL(`../${base}`, here).href;
}
