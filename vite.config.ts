import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { tfjsWasmThreads } from './scripts/vite-wasm-threads.ts';
import { CROSS_ORIGIN_ISOLATION } from './src/shared/crossOriginIsolation.ts';

// The worker is an ES module worker (`new Worker(new URL(...), { type: 'module' })`), so the worker
// bundle must be ES too. Unit tests run in Node on the tfjs CPU backend. Two pages: the app and the
// benchmark page that `npm run bench` drives (bench.html, src/bench/).
// `base: './'`: every URL in the build is relative, so dist/ works under any sub-path of a static host
// (workers resolve data/ and tfjs-wasm/ through src/shared/appBase.ts).
// The service worker (src/sw/sw.ts, Workbox) precaches the app, the WASM binaries and the datasets
// for offline use; the web app manifest and icons are plain files in public/.
export default defineConfig({
  base: './',
  plugins: [
    react(),
    tfjsWasmThreads(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/sw',
      filename: 'sw.ts',
      registerType: 'prompt',
      injectRegister: false,
      manifest: false,
      injectManifest: {
        globPatterns: ['**/*.{html,js,css,wasm,svg,png,ico,webmanifest,json,gz}'],
        // The benchmark page is not part of the app; a server-side CIFAR-10 (~180 MB) is cached by the
        // training worker when first used instead of on every first visit.
        globIgnores: ['bench.html', 'assets/bench*', 'data/cifar10/**'],
        // Fashion-MNIST's training images are 26 MB.
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
      },
      devOptions: { enabled: false },
    }),
  ],
  // The WASM backend's threads: see scripts/vite-wasm-threads.ts; the headers they need (COOP/COEP) are
  // sent by both servers and added by the service worker (src/shared/crossOriginIsolation.ts).
  worker: { format: 'es', plugins: () => [tfjsWasmThreads()] },
  optimizeDeps: { rolldownOptions: { plugins: [tfjsWasmThreads()] } },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    rolldownOptions: { input: { main: 'index.html', bench: 'bench.html' } },
  },
  server: { port: 5173, strictPort: true, headers: CROSS_ORIGIN_ISOLATION },
  preview: { port: 5173, strictPort: true, headers: CROSS_ORIGIN_ISOLATION },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
