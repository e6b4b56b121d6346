#!/usr/bin/env node
/**
 * Prepares CIFAR-10 for the app from the official binary version.
 *
 *   npm run prepare-cifar -- path/to/cifar-10-binary.tar.gz
 *   npm run prepare-cifar -- path/to/cifar-10-batches-bin/        (a folder with the .bin files)
 *
 * Validates every file (3,073-byte records: 1 label byte 0..9 + 1,024 R + 1,024 G + 1,024 B bytes) and writes
 *   public/data/cifar10/train.bin.gz       data_batch_1..5.bin concatenated in order (official record format)
 *   public/data/cifar10/test.bin.gz        test_batch.bin
 *   public/data/cifar10/batches.meta.txt   the class names (the standard ten when the input has none)
 * then marks cifar10 available in public/data/manifest.json. Needs test_batch.bin and at least one data batch.
 * Output folder: $CNN_PLAYGROUND_DATA_DIR instead of public/data when set.
 */
import { createWriteStream } from 'node:fs';
import { readdir, readFile, rename, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { dataDir, describeFile, mb, readManifest, rel, secs, totalBytes, writeFileAtomic, writeManifest } from './prepare-data.mjs';

const RECORD = 3073;
const PER_BATCH = 10_000;
const STANDARD_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

class InputError extends Error {}

// ---------------------------------------------------------------------------------------------------
// minimal tar reader (ustar / GNU): 512-byte headers, octal sizes, data padded to 512, zero end blocks

function tarString(block, offset, length) {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? field.length : end).toString('utf8');
}

function tarNumber(block, offset, length) {
  const field = block.subarray(offset, offset + length);
  if (field[0] & 0x80) {
    let n = field[0] & 0x7f;
    for (let i = 1; i < field.length; i++) n = n * 256 + field[i];
    return n;
  }
  const text = field
    .toString('latin1')
    .replace(/[\0 ]+$/, '')
    .trim();
  if (!/^[0-7]+$/.test(text)) throw new InputError('malformed tar header (bad octal number)');
  return parseInt(text, 8);
}

function readTar(bytes) {
  const files = new Map();
  let off = 0;
  let longName = null;
  for (;;) {
    if (off + 512 > bytes.length) throw new InputError('tar archive is truncated (no end-of-archive block)');
    const header = bytes.subarray(off, off + 512);
    if (header.every((b) => b === 0)) return files;
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i];
    if (tarNumber(header, 148, 8) !== sum) throw new InputError(`corrupt tar header at byte ${off} (checksum mismatch)`);
    const size = tarNumber(header, 124, 12);
    const type = String.fromCharCode(header[156]);
    let name = tarString(header, 0, 100);
    const prefix = tarString(header, 345, 155);
    if (tarString(header, 257, 6) === 'ustar' && prefix) name = `${prefix}/${name}`;
    const start = off + 512;
    if (start + size > bytes.length) throw new InputError(`tar entry ${name} is truncated`);
    const data = bytes.subarray(start, start + size);
    if (type === 'L') longName = tarString(data, 0, data.length);
    else if (type === 'x') longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'))?.[1] ?? longName;
    else if (type === 'g') {
      // global pax header: nothing needed
    } else {
      if (type === '0' || type === '\0') files.set(longName ?? name, data);
      longName = null;
    }
    off = start + Math.ceil(size / 512) * 512;
  }
}

// ---------------------------------------------------------------------------------------------------

/** Reads the input into base name → bytes. */
async function readInput(input) {
  const s = await stat(input).catch(() => null);
  if (!s) throw new InputError(`${input}: no such file or folder`);
  const found = new Map();
  if (s.isDirectory()) {
    for (const dir of [input, join(input, 'cifar-10-batches-bin')]) {
      const names = await readdir(dir).catch(() => []);
      for (const name of names) {
        if (/^(data_batch_\d+|test_batch)\.bin$|^batches\.meta\.txt$/.test(name) && !found.has(name)) {
          found.set(name, await readFile(join(dir, name)));
        }
      }
    }
    return found;
  }
  let bytes = await readFile(input);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = zlib.gunzipSync(bytes);
    } catch {
      throw new InputError(`${input}: corrupt or truncated gzip`);
    }
  }
  if (bytes.length < 512 || tarString(bytes, 257, 6).slice(0, 5) !== 'ustar') {
    throw new InputError(`${input}: not a tar archive — expected cifar-10-binary.tar.gz or a folder with the .bin files`);
  }
  for (const [path, data] of readTar(bytes)) {
    const name = basename(path);
    if (!found.has(name)) found.set(name, data);
  }
  return found;
}

/** Checks one batch file; returns its record count. */
function checkBatch(name, bytes) {
  if (bytes.length === 0 || bytes.length % RECORD !== 0) {
    throw new InputError(
      `${name}: ${bytes.length} bytes is not a whole number of ${RECORD}-byte CIFAR-10 records (truncated, or not the binary version)`,
    );
  }
  const n = bytes.length / RECORD;
  for (let i = 0; i < n; i++) {
    if (bytes[i * RECORD] > 9) throw new InputError(`${name}: record ${i} has label ${bytes[i * RECORD]}, outside 0..9`);
  }
  return n;
}

/** gzip-compresses `parts` (concatenated) into `path` via a temporary file; streamed, no big concatenation. */
async function gzipTo(path, parts) {
  const tmp = `${path}.tmp-${process.pid}`;
  await pipeline(Readable.from(parts), zlib.createGzip({ level: 6 }), createWriteStream(tmp));
  await rename(tmp, path);
}

async function main() {
  const t0 = performance.now();
  const input = process.argv[2];
  if (!input || input === '--help' || input === '-h') {
    console.error('usage: npm run prepare-cifar -- path/to/cifar-10-binary.tar.gz | path/to/cifar-10-batches-bin/');
    process.exitCode = 2;
    return;
  }
  const found = await readInput(input);
  const batchNames = [...found.keys()]
    .filter((n) => /^data_batch_\d+\.bin$/.test(n))
    .sort((a, b) => Number(a.match(/\d+/)[0]) - Number(b.match(/\d+/)[0]));
  const missing = [];
  if (batchNames.length === 0) missing.push('data_batch_1.bin … data_batch_5.bin');
  if (!found.has('test_batch.bin')) missing.push('test_batch.bin');
  if (missing.length > 0) {
    const got = found.size > 0 ? [...found.keys()].join(', ') : 'no CIFAR-10 files';
    throw new InputError(`${input}: missing ${missing.join(' and ')} (found: ${got})`);
  }

  const warnings = [];
  const counts = batchNames.map((name) => checkBatch(name, found.get(name)));
  const train = counts.reduce((a, b) => a + b, 0);
  const test = checkBatch('test_batch.bin', found.get('test_batch.bin'));
  if (batchNames.length !== 5) {
    warnings.push(`${batchNames.length} training batch file(s) (${batchNames.join(', ')}); the official archive has 5`);
  }
  if ([...counts, test].some((n) => n !== PER_BATCH)) {
    const list = batchNames.map((name, i) => `${name} ${counts[i]}`).join(', ');
    warnings.push(`record counts differ from the official ${PER_BATCH} per file: ${list}, test_batch.bin ${test}`);
  }

  let classNames = STANDARD_CLASSES;
  if (found.has('batches.meta.txt')) {
    classNames = found
      .get('batches.meta.txt')
      .toString('utf8')
      .split(/\r?\n/)
      .map((s) => s.trim())
      .filter(Boolean);
    if (classNames.length !== 10) throw new InputError(`batches.meta.txt: expected 10 class names, found ${classNames.length}`);
  } else {
    warnings.push('no batches.meta.txt; wrote the standard class names');
  }

  const out = join(dataDir(), 'cifar10');
  const manifest = await readManifest();
  // Mark unavailable while the files are rewritten, so an interrupted run is never described as ready.
  manifest.datasets.cifar10 = { available: false, reason: 'preparation was interrupted — run npm run prepare-cifar again' };
  await writeManifest(manifest);
  await writeFileAtomic(join(out, 'batches.meta.txt'), classNames.join('\n') + '\n');
  await gzipTo(
    join(out, 'train.bin.gz'),
    batchNames.map((n) => found.get(n)),
  );
  await gzipTo(join(out, 'test.bin.gz'), [found.get('test_batch.bin')]);

  const files = {};
  for (const name of ['train.bin.gz', 'test.bin.gz', 'batches.meta.txt']) {
    const path = join(out, name);
    files[name] = await describeFile(await readFile(path), name);
  }
  manifest.datasets.cifar10 = {
    available: true,
    files,
    train,
    test,
    source: `${basename(input.replace(/[\\/]+$/, ''))} (CIFAR-10 binary version)`,
  };
  await writeManifest(manifest);
  for (const w of warnings) console.warn(`cifar10: note: ${w}`);
  console.log(
    `cifar10: prepared ${train.toLocaleString('en-US')} train + ${test.toLocaleString('en-US')} test, ` +
      `${mb(totalBytes(files))} in ${rel(out)} [${secs(performance.now() - t0)}]`,
  );
}

try {
  await main();
} catch (e) {
  if (!(e instanceof InputError)) throw e;
  console.error(`cifar10: ERROR ${e.message}`);
  process.exitCode = 1;
}
