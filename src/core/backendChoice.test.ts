import { describe, expect, it } from 'vitest';
import {
  candidateLabel,
  decideBackend,
  FEWER_THREADS_WHY,
  probeCandidates,
  probeKey,
  probeReason,
  THREADS_MARGIN,
  type ProbeResult,
} from './backendChoice';
import { DEFAULT_SETTINGS } from './settings';

const r = (backend: ProbeResult['backend'], threads: number, examplesPerSecond: number | null, failure?: string): ProbeResult => ({
  backend,
  threads,
  examplesPerSecond,
  firstStepMs: examplesPerSecond === null ? null : 50,
  steps: examplesPerSecond === null ? 0 : 5,
  ...(failure ? { failure } : {}),
});

const ENV = { isolated: true, cores: 2, renderer: 'ANGLE (NVIDIA GeForce RTX 3060)' };

describe('measured backend choice', () => {
  it('picks the fastest measured configuration', () => {
    expect(decideBackend([r('wasm', 1, 2000), r('wasm', 2, 3100), r('webgl', 1, 2400)])).toEqual({ backend: 'wasm', threads: 2 });
    expect(decideBackend([r('wasm', 1, 2000), r('wasm', 2, 3100), r('webgl', 1, 9000)])).toEqual({ backend: 'webgl', threads: 1 });
  });

  it('ignores configurations that gave no figure, and gives null when none did', () => {
    expect(decideBackend([r('webgl', 1, null, 'slower than a step in 0.9 s'), r('wasm', 1, 1500)])).toEqual({
      backend: 'wasm',
      threads: 1,
    });
    expect(decideBackend([r('webgl', 1, null, 'did not start'), r('wasm', 1, null, 'failed'), r('wasm', 2, Number.NaN)])).toBeNull();
  });

  it('takes more WASM threads only when they are clearly faster', () => {
    const justAbove = 1000 * (1 + THREADS_MARGIN) + 1;
    expect(decideBackend([r('wasm', 1, 1000), r('wasm', 2, 1000 * (1 + THREADS_MARGIN) - 1)])).toEqual({ backend: 'wasm', threads: 1 });
    expect(decideBackend([r('wasm', 2, justAbove), r('wasm', 1, 1000)])).toEqual({ backend: 'wasm', threads: 2 });
    // At batch 32 on 2 cores two threads measure 0.9–1.2× one (probe windows); at 128 and up 1.2–1.4×.
    expect(THREADS_MARGIN).toBeGreaterThanOrEqual(0.1);
    expect(decideBackend([r('wasm', 1, 3500), r('wasm', 2, 3900)])).toEqual({ backend: 'wasm', threads: 1 });
    expect(decideBackend([r('wasm', 1, 4200), r('wasm', 2, 5300)])).toEqual({ backend: 'wasm', threads: 2 });
    expect(FEWER_THREADS_WHY).toContain(`${Math.round(THREADS_MARGIN * 100)} %`);
    // Settling WASM's thread count first does not hide a faster WASM from WebGL.
    expect(decideBackend([r('wasm', 1, 1000), r('wasm', 2, 1040), r('webgl', 1, 1020)])).toEqual({ backend: 'webgl', threads: 1 });
  });

  it('times WASM on every core only where threads are possible, and WebGL only where it exists', () => {
    expect(probeCandidates(ENV)).toEqual([
      { backend: 'wasm', threads: 1 },
      { backend: 'wasm', threads: 2 },
      { backend: 'webgl', threads: 1 },
    ]);
    expect(probeCandidates({ ...ENV, isolated: false })).toEqual([
      { backend: 'wasm', threads: 1 },
      { backend: 'webgl', threads: 1 },
    ]);
    expect(probeCandidates({ isolated: true, cores: 1, renderer: null })).toEqual([{ backend: 'wasm', threads: 1 }]);
  });

  it('says what it measured and what it picked', () => {
    const results = [r('webgl', 1, 2400), r('wasm', 2, 5100.4)];
    expect(probeReason(results, { backend: 'wasm', threads: 2 })).toBe('WebGL: 2,400 ex/s, WASM ×2 threads: 5,100 ex/s → WASM ×2 threads');
    expect(probeReason([r('webgl', 1, null, 'slower than a step in 0.9 s')], null)).toBe(
      'WebGL: slower than a step in 0.9 s → none measured',
    );
    expect(candidateLabel({ backend: 'wasm', threads: 1 })).toBe('WASM ×1 thread');
  });
});

describe('probe cache key', () => {
  const base = { ...DEFAULT_SETTINGS };

  it('is the same for settings that do not change a step’s cost, and for datasets of one image shape', () => {
    const key = probeKey(base, ENV);
    expect(probeKey({ ...base, learningRate: 0.5, seed: 7, epochs: 40, optimizer: 'adam' } as typeof base, ENV)).toBe(key);
    expect(probeKey({ ...base, dataset: 'fashion' }, ENV)).toBe(probeKey({ ...base, dataset: 'mnist' }, ENV));
  });

  it('differs per model and batch shape and per machine state', () => {
    const key = probeKey(base, ENV);
    const variants = [
      probeKey({ ...base, batchSize: base.batchSize * 2 }, ENV),
      probeKey({ ...base, model: 'mlp' }, ENV),
      probeKey({ ...base, dataset: 'cifar10' }, ENV),
      probeKey({ ...base, widthMultiplier: 2 }, ENV),
      probeKey(base, { ...ENV, isolated: false }),
      probeKey(base, { ...ENV, cores: 8 }),
      probeKey(base, { ...ENV, renderer: null }),
      probeKey(base, { ...ENV, renderer: 'ANGLE (Intel UHD 620)' }),
    ];
    for (const v of variants) expect(v).not.toBe(key);
    expect(new Set(variants).size).toBe(variants.length);
  });
});
