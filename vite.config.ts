import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// The worker is an ES module worker (`new Worker(new URL(...), { type: 'module' })`), so the worker
// bundle must be ES too. Unit tests run in Node on the tfjs CPU backend. Two pages: the app and the
// benchmark page that `npm run bench` drives (bench.html, src/bench/).
export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    rolldownOptions: { input: { main: 'index.html', bench: 'bench.html' } },
  },
  server: { port: 5173, strictPort: true },
  preview: { port: 5173, strictPort: true },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
