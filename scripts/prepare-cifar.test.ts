/**
 * Runs scripts/prepare-cifar.mjs as a child process on generated miniature CIFAR-10 inputs, with
 * CNN_PLAYGROUND_DATA_DIR pointing at a temporary folder, and reads the result back through the app's parser.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { CIFAR10_CLASSES, loadCifarFromFiles } from '../src/core/data/cifar';
import { makeCifarArchive, makeCifarBatch, makeCifarMeta, makeTar, gzipBytes } from '../src/core/testing/fixtures';
import { parseManifest } from '../src/shared/manifestFormat';

const script = fileURLToPath(new URL('./prepare-cifar.mjs', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'prepare-cifar-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let n = 0;
function freshDir(): string {
  const dir = join(work, `case-${n++}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function run(input: string, dataDir: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [script, input], {
    env: { ...process.env, CNN_PLAYGROUND_DATA_DIR: dataDir },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const ANIMALS = ['a0', 'b1', 'c2', 'd3', 'e4', 'f5', 'g6', 'h7', 'i8', 'j9'];
const TRAIN = [[0, 1, 2], [3, 4], [5], [6, 7], [8, 9, 0]];

describe('scripts/prepare-cifar.mjs', () => {
  it('prepares train.bin.gz, test.bin.gz, batches.meta.txt and the manifest from the .tar.gz archive', async () => {
    const dir = freshDir();
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir);
    // An existing manifest entry of another dataset must survive.
    const mnist = { available: true, files: {}, train: 1, test: 1, source: 'x' };
    writeFileSync(join(dataDir, 'manifest.json'), JSON.stringify({ version: 1, datasets: { mnist } }));
    const archivePath = join(dir, 'cifar-10-binary.tar.gz');
    const archive = await makeCifarArchive({ trainBatches: TRAIN, testLabels: [4, 2, 1], metaNames: ANIMALS });
    writeFileSync(archivePath, archive);

    const r = run(archivePath, dataDir);
    expect(r.stderr).not.toMatch(/ERROR/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/cifar10: prepared 11 train \+ 3 test/);

    const out = join(dataDir, 'cifar10');
    const trainGz = readFileSync(join(out, 'train.bin.gz'));
    const expectedTrain = Buffer.concat(TRAIN.map((labels) => makeCifarBatch(labels)));
    expect(gunzipSync(trainGz).equals(expectedTrain)).toBe(true);
    expect(readFileSync(join(out, 'batches.meta.txt'), 'utf8')).toBe(ANIMALS.join('\n') + '\n');

    const manifest = parseManifest(200, readFileSync(join(dataDir, 'manifest.json')));
    expect(manifest.version).toBe(1);
    expect(manifest.datasets.mnist).toEqual(mnist);
    const entry = manifest.datasets.cifar10!;
    expect(entry).toMatchObject({ available: true, train: 11, test: 3 });
    // Both forms: as stored, and as a browser hands it over when the server sends Content-Encoding: gzip.
    expect(entry.files?.['train.bin.gz']).toEqual({
      bytes: trainGz.length,
      sha256: createHash('sha256').update(trainGz).digest('hex'),
      rawBytes: expectedTrain.length,
      rawSha256: createHash('sha256').update(expectedTrain).digest('hex'),
    });
    const metaFacts = entry.files?.['batches.meta.txt'];
    expect(metaFacts).toBeDefined();
    expect(metaFacts?.rawSha256).toBeUndefined();

    // The app's loader reads the prepared files like it reads the archive.
    const fromPrepared = await loadCifarFromFiles(
      ['train.bin.gz', 'test.bin.gz', 'batches.meta.txt'].map((name) => ({
        name,
        bytes: new Uint8Array(readFileSync(join(out, name))),
      })),
    );
    const fromArchive = await loadCifarFromFiles([{ name: 'cifar-10-binary.tar.gz', bytes: archive }]);
    expect(fromPrepared.classNames).toEqual(ANIMALS);
    expect(fromPrepared.train.labels).toEqual(fromArchive.train.labels);
    expect(fromPrepared.train.images).toEqual(fromArchive.train.images);
    expect(fromPrepared.test.images).toEqual(fromArchive.test.images);
  });

  it('takes a folder of loose .bin files without meta, writing the standard class names', () => {
    const dir = freshDir();
    const bins = join(dir, 'cifar-10-batches-bin');
    mkdirSync(bins);
    writeFileSync(join(bins, 'data_batch_2.bin'), makeCifarBatch([2]));
    writeFileSync(join(bins, 'data_batch_1.bin'), makeCifarBatch([1, 1]));
    writeFileSync(join(bins, 'test_batch.bin'), makeCifarBatch([3]));
    const dataDir = join(dir, 'data');
    const r = run(dir, dataDir);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/no batches\.meta\.txt/);
    const out = join(dataDir, 'cifar10');
    expect(readFileSync(join(out, 'batches.meta.txt'), 'utf8').trim().split('\n')).toEqual(CIFAR10_CLASSES);
    const labels = [...gunzipSync(readFileSync(join(out, 'train.bin.gz')))].filter((_, i) => i % 3073 === 0);
    expect(labels).toEqual([1, 1, 2]);
  });

  it('fails clearly, writing nothing, when test_batch.bin is missing', async () => {
    const dir = freshDir();
    const archivePath = join(dir, 'cifar-10-binary.tar.gz');
    writeFileSync(archivePath, await makeCifarArchive({ trainBatches: TRAIN, metaNames: ANIMALS }));
    const dataDir = join(dir, 'data');
    const r = run(archivePath, dataDir);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cifar10: ERROR .*missing test_batch\.bin \(found: .*data_batch_1\.bin/);
    expect(existsSync(join(dataDir, 'cifar10'))).toBe(false);
  });

  it('rejects a batch that is not whole records, and a truncated archive', async () => {
    const dir = freshDir();
    const bad = join(dir, 'bad.tar.gz');
    const tar = makeTar([
      { name: 'cifar-10-batches-bin/data_batch_1.bin', bytes: makeCifarBatch([1, 2]).subarray(0, 5000) },
      { name: 'cifar-10-batches-bin/test_batch.bin', bytes: makeCifarBatch([1]) },
      { name: 'cifar-10-batches-bin/batches.meta.txt', bytes: makeCifarMeta(ANIMALS) },
    ]);
    writeFileSync(bad, await gzipBytes(tar));
    const r = run(bad, join(dir, 'data'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/data_batch_1\.bin: 5000 bytes is not a whole number of 3073-byte CIFAR-10 records/);

    const cut = join(dir, 'cut.tar.gz');
    const archive = await makeCifarArchive({ trainBatches: TRAIN, testLabels: [1], metaNames: ANIMALS });
    writeFileSync(cut, archive.subarray(0, archive.length >> 1));
    const r2 = run(cut, join(dir, 'data'));
    expect(r2.status).toBe(1);
    expect(r2.stderr).toMatch(/corrupt or truncated gzip/);
  });

  it('prints usage without an argument', () => {
    const r = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/usage: npm run prepare-cifar/);
  });
});
