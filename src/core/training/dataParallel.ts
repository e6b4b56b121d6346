/**
 * Synchronous data-parallel training, the framework-free parts: W replicas each hold the same model,
 * each computes the gradient of the mean loss on its equal slice of the batch, publishes it in its
 * slot of a SharedArrayBuffer, waits at a barrier, then every replica averages the W slots in the
 * same fixed order (slot 0, 1, …) and applies that identical gradient with its own optimizer. The
 * replicas therefore stay bit-identical without any weight broadcast.
 *
 * Why averaging is exact: the mean loss over a batch of B is the mean of the W slice means when the
 * slices are equal (B/W each), and the gradient is linear, so the average of the slice gradients is
 * the batch gradient — up to float rounding, which is why W = 2 is not bit-identical to W = 1.
 *
 * No tfjs here: this module runs in Node tests and in any worker.
 */

/** Replica `index`'s slice [start, start + size) of a batch of `batchSize` split into `replicas` equal parts. */
export function sliceOf(batchSize: number, replicas: number, index: number): { start: number; size: number } {
  if (!Number.isInteger(replicas) || replicas < 1) throw new Error(`replicas must be a positive integer, not ${replicas}`);
  if (!Number.isInteger(index) || index < 0 || index >= replicas) throw new Error(`replica ${index} is not one of 0..${replicas - 1}`);
  if (batchSize % replicas !== 0) throw new Error(`batch ${batchSize} does not split into ${replicas} equal slices`);
  const size = batchSize / replicas;
  return { start: index * size, size };
}

/**
 * out[j] = (slots[0][j] + slots[1][j] + … + slots[W−1][j]) / W, summed in slot order in float64,
 * rounded once to float32. The order is fixed, so every replica (and every run) gets the same bits.
 */
export function averageInto(slots: readonly Float32Array[], out: Float32Array): void {
  const w = slots.length;
  if (w === 0) throw new Error('nothing to average');
  for (const s of slots) if (s.length < out.length) throw new Error(`a slot holds ${s.length} values, the average ${out.length}`);
  for (let j = 0; j < out.length; j++) {
    let sum = 0;
    for (let k = 0; k < w; k++) sum += slots[k]![j]!;
    out[j] = sum / w;
  }
}

/** Int32 cells at the start of the buffer: the barrier's arrival count and its generation. */
const BARRIER_CELLS = 2;
const HEADER_BYTES = 16;

/**
 * Where everything lies in the exchange buffer: a 16-byte header (the barrier), then two banks of W
 * slots; a slot holds a replica's `params` gradient values and then its slice's mean loss. Step s
 * uses bank s mod 2: a replica cannot start writing step s + 2 before every replica has passed the
 * barrier of step s + 1, that is, finished reading step s — so one barrier per step is enough.
 */
export interface ExchangeLayout {
  readonly replicas: number;
  readonly params: number;
  /** Floats per slot: params + 1 (the loss). */
  readonly slotFloats: number;
  readonly bytes: number;
}

export function exchangeLayout(replicas: number, params: number): ExchangeLayout {
  if (!Number.isInteger(params) || params < 1) throw new Error(`params must be a positive integer, not ${params}`);
  sliceOf(replicas, replicas, 0);
  const slotFloats = params + 1;
  return { replicas, params, slotFloats, bytes: HEADER_BYTES + 2 * replicas * slotFloats * 4 };
}

/** Float offset of (bank, slot) after the header. */
export function slotOffset(layout: ExchangeLayout, step: number, slot: number): number {
  return HEADER_BYTES / 4 + ((step % 2) * layout.replicas + slot) * layout.slotFloats;
}

/**
 * A reusable barrier for `parties` threads over two Int32 cells (count, generation) in shared memory.
 * The last to arrive resets the count, then bumps the generation and wakes the others, who wait on
 * the generation they saw on arrival (so a late wake-up never confuses two rounds).
 */
export class Barrier {
  constructor(
    private readonly cells: Int32Array,
    private readonly parties: number,
  ) {
    if (cells.length < BARRIER_CELLS) throw new Error('a barrier needs two Int32 cells');
  }

  /**
   * Arrives and blocks (Atomics.wait: workers and Node only) until all parties have arrived.
   * Returns the generation passed; throws when the others do not arrive within `timeoutMs`.
   */
  wait(timeoutMs = 60_000): number {
    const gen = Atomics.load(this.cells, 1);
    if (Atomics.add(this.cells, 0, 1) === this.parties - 1) {
      Atomics.store(this.cells, 0, 0);
      Atomics.add(this.cells, 1, 1);
      Atomics.notify(this.cells, 1);
      return gen;
    }
    const deadline = Date.now() + timeoutMs;
    while (Atomics.load(this.cells, 1) === gen) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`barrier: ${this.parties} parties did not all arrive in ${timeoutMs} ms`);
      Atomics.wait(this.cells, 1, gen, left);
    }
    return gen;
  }
}

/** One replica's view of the exchange buffer. */
export class GradientExchange {
  readonly layout: ExchangeLayout;
  readonly barrier: Barrier;
  private readonly floats: Float32Array;

  constructor(
    buffer: SharedArrayBuffer | ArrayBuffer,
    replicas: number,
    params: number,
    readonly index: number,
  ) {
    this.layout = exchangeLayout(replicas, params);
    sliceOf(replicas, replicas, index);
    if (buffer.byteLength < this.layout.bytes)
      throw new Error(`exchange buffer of ${buffer.byteLength} bytes, ${this.layout.bytes} needed`);
    this.floats = new Float32Array(buffer, 0, this.layout.bytes / 4);
    this.barrier = new Barrier(new Int32Array(buffer, 0, BARRIER_CELLS), replicas);
  }

  /** Replica `slot`'s gradient (params values, then the loss) at `step`. */
  slot(step: number, slot = this.index): Float32Array {
    const at = slotOffset(this.layout, step, slot);
    return this.floats.subarray(at, at + this.layout.slotFloats);
  }

  /** This replica's slot at `step`, to write its gradient and loss into. */
  publish(step: number, gradient: Float32Array, loss: number): void {
    const mine = this.slot(step);
    mine.set(gradient.subarray(0, this.layout.params));
    mine[this.layout.params] = loss;
  }

  /** After the barrier: the averaged gradient of `step` into `out` (params values); returns the mean loss. */
  average(step: number, out: Float32Array): number {
    const slots: Float32Array[] = [];
    for (let k = 0; k < this.layout.replicas; k++) slots.push(this.slot(step, k));
    averageInto(slots, out.subarray(0, this.layout.params));
    let loss = 0;
    for (const s of slots) loss += s[this.layout.params]!;
    return loss / this.layout.replicas;
  }
}

/** The exchange buffer for `replicas` replicas of a model with `params` trainable values. */
export function createExchangeBuffer(replicas: number, params: number): SharedArrayBuffer {
  return new SharedArrayBuffer(exchangeLayout(replicas, params).bytes);
}

/** A 32-bit FNV-1a hash of the float bits (hex): equal weights give equal fingerprints. */
export function fingerprint(values: Float32Array): string {
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length);
  let h = 0x811c9dc5;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    for (let b = 0; b < 32; b += 8) h = Math.imul(h ^ ((w >>> b) & 0xff), 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** max |a[i] − b[i]|, and how many values differ in any bit. */
export function compareWeights(a: Float32Array, b: Float32Array): { maxAbsDiff: number; differing: number } {
  if (a.length !== b.length) throw new Error(`weights of ${a.length} and ${b.length} values`);
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  let maxAbsDiff = 0;
  let differing = 0;
  for (let i = 0; i < a.length; i++) {
    if (ua[i] !== ub[i]) differing++;
    maxAbsDiff = Math.max(maxAbsDiff, Math.abs(a[i]! - b[i]!));
  }
  return { maxAbsDiff, differing };
}
