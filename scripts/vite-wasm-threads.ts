/**
 * Vite plugin for tfjs's multi-threaded WASM backend (the threaded SIMD build).
 *
 * `tfjsWasmThreads()`: tfjs-backend-wasm 4.22 starts its pthread helpers (emscripten) by handing them
 *    a script made of `wasmFactoryThreadedSimd.toString()`: the source text of a function from the
 *    bundle. Minified, that function refers to names of its enclosing scope that the minifier renamed
 *    (`_scriptDir` became `e`, …), and each helper worker dies with "e is not defined": the threaded
 *    backend never starts in a production build. The plugin replaces that expression by the original,
 *    self-contained emscripten file, inlined as a string, so the helpers get what emscripten meant them
 *    to load, whatever the minifier does to the bundle. It fails the build if tfjs changes that code.
 *    Registered for the worker bundles and for the dev server's dependency pre-bundling alike.
 *
 * The headers threads need (COOP/COEP) are in src/shared/crossOriginIsolation.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'vite';

/** The expression in tfjs-backend-wasm/dist/backend_wasm.js that builds the helpers' script. */
const TO_STRING = /new Blob\(\[`var WasmBackendModuleThreadedSimd = ` \+\s*wasmFactoryThreadedSimd\.toString\(\)\]/;

/**
 * Rewrites `source` of backend_wasm.js so that the helpers' script is `threadedSource`, the text of
 * wasm-out/tfjs-backend-wasm-threaded-simd.js; throws when the expected code is not there.
 */
export function patchBackendWasm(source: string, threadedSource: string): string {
  if (!TO_STRING.test(source)) {
    throw new Error(
      'vite-wasm-threads: tfjs-backend-wasm no longer builds its pthread script from wasmFactoryThreadedSimd.toString(); update scripts/vite-wasm-threads.ts',
    );
  }
  if (!threadedSource.includes('var WasmBackendModuleThreadedSimd'))
    throw new Error('vite-wasm-threads: unexpected tfjs-backend-wasm-threaded-simd.js');
  return source.replace(TO_STRING, () => `new Blob([${JSON.stringify(threadedSource)}]`);
}

const isBackendWasm = (id: string) => /[\\/]@tensorflow[\\/]tfjs-backend-wasm[\\/]dist[\\/]backend_wasm\.js$/.test(id.split('?')[0]!);

export function tfjsWasmThreads(): Plugin {
  return {
    name: 'tfjs-wasm-threads',
    enforce: 'pre',
    transform(code, id) {
      if (!isBackendWasm(id)) return null;
      const file = path.resolve(path.dirname(id.split('?')[0]!), '..', 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
      return { code: patchBackendWasm(code, readFileSync(file, 'utf8')), map: null };
    },
  };
}
