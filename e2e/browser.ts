/**
 * Chromium's path and flags for the end-to-end tests. The values live in browser-flags.mjs, shared
 * with the benchmark driver (scripts/bench.mjs), so tests and benchmarks start the same browser.
 */
export { CHROMIUM_ARGS, CHROMIUM_PATH } from './browser-flags.mjs';
