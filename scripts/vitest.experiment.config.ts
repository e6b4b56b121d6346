/**
 * Vitest configuration for the long-running experiments (`scripts/*.experiment.ts`), which the default
 * `vitest run` leaves out. Usage: `npx vitest run -c scripts/vitest.experiment.config.ts`.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    environment: 'node',
    include: ['scripts/**/*.experiment.ts'],
    testTimeout: 3 * 60 * 60 * 1000,
  },
});
