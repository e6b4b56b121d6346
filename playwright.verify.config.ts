/**
 * Runs e2e/*.verify.ts: long in-browser checks of the presets' claims with their own settings (minutes
 * each; not part of `npm test`). `E2E_PORT=<port> npx playwright test -c playwright.verify.config.ts`
 */
import { defineConfig } from '@playwright/test';
import base from './playwright.config';

export default defineConfig({ ...base, testMatch: /.*\.verify\.ts$/, timeout: 90 * 60_000 });
