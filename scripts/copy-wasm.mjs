#!/usr/bin/env node
/**
 * Copies the tfjs WASM backend binaries into public/tfjs-wasm/, from where the app serves them at
 * `${BASE_URL}tfjs-wasm/` (the worker passes that URL to `setWasmPaths`). They must come from the
 * installed package: a binary from another version would not match its JS glue code.
 * No dependencies; safe to run repeatedly. public/tfjs-wasm/ is git-ignored.
 */
import { copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
const target = join(root, 'public', 'tfjs-wasm');
const EXPECTED = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

async function main() {
  let files;
  try {
    files = (await readdir(source)).filter((f) => f.endsWith('.wasm'));
  } catch {
    throw new Error(`${source} not found: run npm install first`);
  }
  const missing = EXPECTED.filter((f) => !files.includes(f));
  if (missing.length > 0) throw new Error(`missing in ${source}: ${missing.join(', ')}`);
  await mkdir(target, { recursive: true });
  for (const file of files) {
    const from = join(source, file);
    const to = join(target, file);
    const [a, b] = await Promise.all([stat(from), stat(to).catch(() => null)]);
    // Skip unchanged files so a watching dev server does not reload for nothing.
    if (b && b.size === a.size && b.mtimeMs >= a.mtimeMs) continue;
    await copyFile(from, to);
  }
  console.log(`copy-wasm: ${files.length} .wasm files in public/tfjs-wasm/`);
}

main().catch((error) => {
  console.error(`copy-wasm: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
