/**
 * The benchmark page's side of data-parallel training: starts W replica workers (replica.worker.ts, one
 * WASM thread each), hands them a shared gradient exchange, and measures training throughput at each
 * batch size the way bench.worker.ts measures the app's loop (warm-up, then timed repeats of ~N s), and
 * checks the claims: replicas bit-identical, loss falling, the same seed and W giving the same bits,
 * and how far W replicas end from one. The page never blocks: it only posts and awaits replies.
 */
import { DEFAULT_SETTINGS } from '../core/settings';
import { compareWeights, createExchangeBuffer } from '../core/training/dataParallel';
import type { FromReplica, ReplicaReplies, ReplicaRequest, ToReplica } from './protocol';

type Reply<K extends ReplicaRequest['kind']> = ReplicaReplies[K];

/** W replica workers, asked together. */
class ReplicaPool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;

  constructor(readonly replicas: number) {
    for (let i = 0; i < replicas; i++) {
      const w = new Worker(new URL('./replica.worker.ts', import.meta.url), { type: 'module', name: `replica-${i}` });
      w.onmessage = (event: MessageEvent<FromReplica>) => {
        const m = event.data;
        const entry = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        if (m.ok) entry?.resolve(m.result);
        else entry?.reject(new Error(`replica ${i}: ${m.error}`));
      };
      w.onerror = (event) => this.fail(new Error(`replica ${i} crashed: ${event.message}`));
      this.workers.push(w);
    }
  }

  ask<K extends ReplicaRequest['kind']>(index: number, request: Extract<ReplicaRequest, { kind: K }>): Promise<Reply<K>> {
    const id = this.nextId++;
    return new Promise<Reply<K>>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.workers[index]!.postMessage({ id, request } satisfies ToReplica);
    });
  }

  /** Every replica at once; `make(i)` is replica i's request. */
  all<K extends ReplicaRequest['kind']>(make: (i: number) => Extract<ReplicaRequest, { kind: K }>): Promise<Reply<K>[]> {
    return Promise.all(this.workers.map((_, i) => this.ask<K>(i, make(i))));
  }

  /** A fresh model on every replica, sharing a fresh exchange buffer. */
  async setup(batchSize: number, seed: number, params: number): Promise<void> {
    const buffer = createExchangeBuffer(this.replicas, params);
    await this.all<'setup'>(() => ({ kind: 'setup', batchSize, seed, buffer }));
  }

  private fail(error: Error): void {
    for (const entry of this.waiting.values()) entry.reject(error);
    this.waiting.clear();
  }

  close(): void {
    for (const w of this.workers) w.terminate();
    this.fail(new Error('replicas closed'));
  }
}

export interface DataParallelOptions {
  readonly replicas: number;
  readonly batchSizes: readonly number[];
  readonly repeats: number;
  readonly secondsPerRepeat: number;
  /** The correctness run: `steps` steps at `batchSize` from `seed` (default: the app's), twice. */
  readonly check: { readonly batchSize: number; readonly steps: number; readonly seed?: number };
}

export interface DataParallelThroughput {
  /** Examples/s of each timed repeat. */
  readonly samples: readonly number[];
  readonly steps: number;
  readonly warmupRate: number;
  /** Replica 0's `tf.memory().numTensors` before the timed repeats and after them. */
  readonly tensorsBefore: number;
  readonly tensorsAfter: number;
  /** Whether all replicas ended with the same weight fingerprint. */
  readonly replicasIdentical: boolean;
  /** Per replica: its milliseconds per step in each phase, over the timed repeats. */
  readonly phasesPerStep: readonly Reply<'train'>['phases'][];
}

export interface DataParallelCheck {
  readonly batchSize: number;
  readonly steps: number;
  readonly seed: number;
  /** The mean batch loss at every step of the first run. */
  readonly losses: readonly number[];
  /** Every replica's weight fingerprint after the first run. */
  readonly fingerprints: readonly string[];
  readonly replicasIdentical: boolean;
  /** A second run from the same seed with the same W ended with the same bits. */
  readonly repeatIdentical: boolean;
  /** Against the same check with one replica (measured earlier on this page), or null if none was. */
  readonly vsOneReplica: { readonly maxAbsDiff: number; readonly differing: number; readonly params: number } | null;
}

export interface DataParallelResult {
  readonly replicas: number;
  readonly threadsPerReplica: number;
  readonly isolated: boolean;
  readonly startSeconds: number;
  readonly params: number;
  readonly check: DataParallelCheck | { readonly skipped: string };
  /** By batch size: the throughput, or why this W cannot split that batch. */
  readonly training: Record<string, DataParallelThroughput | { readonly skipped: string }>;
}

/** One replica's weights after each check configuration, for the comparison with W > 1. */
const oneReplicaWeights = new Map<string, Float32Array>();

async function check(pool: ReplicaPool, params: number, options: DataParallelOptions['check']): Promise<DataParallelCheck> {
  const { batchSize, steps, seed = DEFAULT_SETTINGS.seed } = options;
  const once = async () => {
    await pool.setup(batchSize, seed, params);
    const trained = await pool.all<'train'>(() => ({ kind: 'train', steps }));
    const { weights } = await pool.ask(0, { kind: 'weights' });
    return { trained, weights };
  };
  const first = await once();
  const second = await once();
  const fingerprints = first.trained.map((t) => t.fingerprint);
  const key = `${batchSize}/${steps}/${seed}`;
  if (pool.replicas === 1) oneReplicaWeights.set(key, first.weights);
  const one = oneReplicaWeights.get(key);
  return {
    batchSize,
    steps,
    seed,
    losses: first.trained[0]!.losses,
    fingerprints,
    replicasIdentical: new Set(fingerprints).size === 1 && new Set(second.trained.map((t) => t.fingerprint)).size === 1,
    repeatIdentical: compareWeights(first.weights, second.weights).differing === 0 && fingerprints[0] === second.trained[0]!.fingerprint,
    vsOneReplica: one ? { ...compareWeights(first.weights, one), params } : null,
  };
}

/** Warm-up, then `repeats` timed runs of about `secondsPerRepeat` each (as bench.worker.ts's `throughput`). */
async function throughput(
  pool: ReplicaPool,
  params: number,
  batchSize: number,
  options: DataParallelOptions,
): Promise<DataParallelThroughput> {
  await pool.setup(batchSize, options.check.seed ?? DEFAULT_SETTINGS.seed, params);
  const train = async (steps: number) => {
    const replies = await pool.all<'train'>(() => ({ kind: 'train', steps }));
    const seconds = Math.max(...replies.map((r) => r.seconds));
    return { rate: (steps * batchSize) / seconds, replies };
  };
  await train(1);
  const warmupSteps = Math.ceil(256 / batchSize);
  const warmupRate = (await train(warmupSteps)).rate;
  const steps = Math.max(1, Math.round((warmupRate * options.secondsPerRepeat) / batchSize));
  const samples: number[] = [];
  let last: Reply<'train'>[] = [];
  let tensorsBefore = NaN;
  const phases = Array.from({ length: pool.replicas }, () => ({ gradientMs: 0, waitMs: 0, applyMs: 0 }));
  for (let r = 0; r < options.repeats; r++) {
    const { rate, replies } = await train(steps);
    if (r === 0) tensorsBefore = replies[0]!.tensorsBefore;
    samples.push(rate);
    last = replies;
    replies.forEach((reply, i) => {
      const p = phases[i]!;
      p.gradientMs += reply.phases.gradientMs / (steps * options.repeats);
      p.waitMs += reply.phases.waitMs / (steps * options.repeats);
      p.applyMs += reply.phases.applyMs / (steps * options.repeats);
    });
  }
  return {
    samples,
    steps,
    warmupRate,
    tensorsBefore,
    tensorsAfter: last[0]?.tensorsAfter ?? NaN,
    replicasIdentical: new Set(last.map((r) => r.fingerprint)).size === 1,
    phasesPerStep: phases,
  };
}

/** Starts W replicas, runs the check, then measures each batch size W splits evenly. */
export async function measureDataParallel(options: DataParallelOptions): Promise<DataParallelResult> {
  const pool = new ReplicaPool(options.replicas);
  try {
    const started = await pool.all<'start'>((index) => ({ kind: 'start', index, replicas: options.replicas }));
    const params = started[0]!.params;
    const training: DataParallelResult['training'] = {};
    const checked =
      options.check.batchSize % options.replicas === 0
        ? await check(pool, params, options.check)
        : { skipped: `batch ${options.check.batchSize} does not split into ${options.replicas} equal slices` };
    for (const batchSize of options.batchSizes) {
      training[batchSize] =
        batchSize % options.replicas === 0
          ? await throughput(pool, params, batchSize, options)
          : { skipped: `batch ${batchSize} does not split into ${options.replicas} equal slices` };
    }
    return {
      replicas: options.replicas,
      threadsPerReplica: Math.max(...started.map((s) => s.threads)),
      isolated: started.every((s) => s.isolated),
      startSeconds: Math.max(...started.map((s) => s.seconds)),
      params,
      check: checked,
      training,
    };
  } finally {
    pool.close();
  }
}
