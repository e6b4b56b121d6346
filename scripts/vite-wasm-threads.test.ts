import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { patchBackendWasm } from './vite-wasm-threads';

const DIST = path.resolve(__dirname, '..', 'node_modules', '@tensorflow', 'tfjs-backend-wasm');
const backendWasm = readFileSync(path.join(DIST, 'dist', 'backend_wasm.js'), 'utf8');
const threaded = readFileSync(path.join(DIST, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js'), 'utf8');

describe('threaded WASM in a bundled build', () => {
  it('hands the pthread helpers the original emscripten script, not the text of a bundled function', () => {
    const patched = patchBackendWasm(backendWasm, threaded);
    expect(patched).not.toMatch(/wasmFactoryThreadedSimd\.toString\(\)/);
    expect(patched).toContain(JSON.stringify(threaded));
    // The rest of the module is unchanged (the factory itself still runs on the training worker).
    expect(patched).toContain('wasm = wasmFactoryThreadedSimd(factoryConfig);');
  });

  it('the helpers’ script is self-contained: it defines the module factory in an empty global scope', () => {
    // What a pthread helper does with it (importScripts): no name of the bundle is needed.
    const context = vm.createContext({});
    vm.runInContext(threaded, context);
    expect(typeof (context as { WasmBackendModuleThreadedSimd?: unknown }).WasmBackendModuleThreadedSimd).toBe('function');
  });

  it('fails the build loudly if tfjs changes how it builds that script', () => {
    expect(() => patchBackendWasm(backendWasm.replace('wasmFactoryThreadedSimd.toString()', 'something()'), threaded)).toThrow(
      /update scripts\/vite-wasm-threads/,
    );
  });
});
