/// <reference lib="webworker" />
/**
 * The service worker (built by vite-plugin-pwa's injectManifest from this file; Workbox does the
 * caching). It precaches the whole app: the pages' code, the tfjs WASM binaries and the prepared
 * datasets (data/**, except a server-side CIFAR-10, which the training worker caches itself on first
 * use), so the app opens and trains offline after one visit.
 *
 * - Precache entries carry a revision (content hash): a new build downloads only what changed, and
 *   `cleanupOutdatedCaches` drops the caches of older Workbox formats once this one is active.
 * - A new build's worker waits until the page says so (`SKIP_WAITING`, sent by the "Reload" button),
 *   so an update never reloads the page under a running training.
 * - The dataset files are fetched with `?v=<content hash>` (src/worker/datasets.ts): that parameter is
 *   ignored when matching the precache.
 * - Cross-origin isolation: every response it serves (the page, the workers' scripts, the WASM
 *   binaries, the datasets) gets the COOP/COEP headers (src/shared/crossOriginIsolation.ts). On a
 *   static host that cannot send them (GitHub Pages), the page is therefore isolated, and WASM runs on
 *   every core, from the first load this worker controls: the next visit or a reload (the page offers
 *   one, src/ui/components/IsolationNote.tsx). Where the host sends them already, nothing changes.
 */
import { addPlugins, cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { withCrossOriginIsolation } from '../shared/crossOriginIsolation';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | { url: string; revision: string | null })[] };

addPlugins([{ handlerWillRespond: ({ response }) => Promise.resolve(withCrossOriginIsolation(response)) }]);

precacheAndRoute(self.__WB_MANIFEST, {
  // `v` is the datasets' cache-busting hash; utm_/fbclid are Workbox's defaults.
  ignoreURLParametersMatching: [/^v$/, /^utm_/, /^fbclid$/],
});
cleanupOutdatedCaches();

// Any address of the app (its settings are in the query) opens the precached page.
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html'), { denylist: [/\/bench\.html/] }));

self.addEventListener('message', (event: ExtendableMessageEvent) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});
