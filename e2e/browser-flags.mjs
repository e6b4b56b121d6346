/**
 * The one place that says how to start Chromium for tests and benchmarks: plain JavaScript so that
 * both Playwright's TypeScript config (through e2e/browser.ts) and `node scripts/bench.mjs` import it.
 * Measured on the project's machines (see ENVIRONMENT.md in the shared folder): headless Chromium
 * without a GPU gets WebGL only through ANGLE's SwiftShader; `--use-gl=swiftshader` breaks WebGL.
 */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

/**
 * WebGPU for the benchmark only (the app does not use it): headless Chromium here returns a WebGPU
 * adapter only with this flag, and then a SwiftShader (software) one.
 */
export const WEBGPU_ARGS = ['--enable-unsafe-webgpu'];
