/**
 * Surviving the loss of a compute backend mid-run (a lost WebGL context: GPU reset, driver update,
 * too many contexts). A lost context takes every tensor on it along, so the training loop keeps
 * checkpoints in host memory: the model's and the optimizer's weights plus the loop's position.
 * The worker then starts the run again on another backend from the last checkpoint
 * (`runExperiment(…, resume)`), and the curves continue where that checkpoint left them.
 *
 * Framework-free like the rest of the core; tested on the CPU backend.
 */
import * as tf from '@tensorflow/tfjs';
import { optimizerCheckpointing } from './optimizers';
import type { EpochMetrics } from './wire';

/** The backend under a run stopped working (e.g. its WebGL context was lost); its tensors are gone. */
export class BackendLostError extends Error {
  override readonly name = 'BackendLostError';
  constructor(
    readonly backend: string,
    detail: string,
  ) {
    super(`The ${backend === 'webgl' ? 'WebGL (GPU)' : backend} backend stopped working: ${detail}`);
  }
}

/** A tensor's values copied to JS memory. */
export interface HostTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: 'float32' | 'int32';
  readonly values: Float32Array | Int32Array;
}

/** Where the training loop stood when a checkpoint was taken (all counts after the last finished step). */
export interface LoopPosition {
  /** 1-based epoch the run continues in. */
  readonly epoch: number;
  /** Batches of that epoch already trained (may equal batches per epoch: only its evaluation is left). */
  readonly batch: number;
  /** Global steps done. */
  readonly step: number;
  /** Examples of this epoch trained, and the sums behind its mean training loss / accuracy. */
  readonly examples: number;
  readonly lossSum: number;
  readonly accuracySum: number;
  readonly steps: number;
  /** Training seconds already spent on this epoch. */
  readonly seconds: number;
  /** Learning rate of the last step (the schedule's value). */
  readonly learningRate: number;
  /** Finished epochs. */
  readonly history: readonly EpochMetrics[];
  /** Early stopping's best epoch and validation loss so far (its restore-best snapshot is not kept). */
  readonly bestEpoch: number | null;
  readonly bestLoss: number;
}

export interface TrainCheckpoint extends LoopPosition {
  /** `model.getWeights()` order (trainable and not, e.g. batch-norm statistics). */
  readonly weights: readonly HostTensor[];
  /**
   * `optimizer.getWeights()` order: the iteration count, then its slots (momentum, Adam moments…).
   * Empty when the optimizer's row says its slots restart (`optimizerRestart` then says so).
   */
  readonly optimizerWeights: readonly HostTensor[];
  /** Present when the optimizer's state could not be kept: the sentence telling the user it restarts. */
  readonly optimizerRestart?: string;
}

/** A variable's own data vs a tensor `getWeights` made just to report (the optimizer's iteration count). */
const isVariable = (t: tf.Tensor) => typeof (t as Partial<tf.Variable>).assign === 'function';

/**
 * Copies the model's and the optimizer's weights to host memory (the optimizer's only where its row in
 * optimizers.ts says tfjs can read them). `guard` wraps the reads (the run's
 * interruption check); the tensors read are not disposed (they are the live variables).
 *
 * Each variable is read by itself, all reads in flight together (one GPU round trip in practice), and
 * no kernel touches a variable here. A concatenation of reshaped variables would be one read fewer,
 * but tfjs-backend-webgl 4.22 uploads a not-yet-uploaded tensor through such an alias with the
 * alias's packed 2-D layout and records that layout for the variable itself: taken before the first
 * step, that checkpoint scrambled the weights and WebGL training never learned (loss flat at 2.30).
 */
export async function captureCheckpoint(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  position: LoopPosition,
  guard: <T>(p: Promise<T>) => Promise<T> = (p) => p,
): Promise<TrainCheckpoint> {
  const modelWeights = model.getWeights().map((tensor, i) => ({ name: `w${i}`, tensor }));
  const checkpointing = optimizerCheckpointing(optimizer);
  // Not guarded: it reads nothing from the device, and what it creates must be disposed below.
  const named = checkpointing.slots === 'weights' ? await optimizer.getWeights() : [];
  try {
    const read = async (n: { name: string; tensor: tf.Tensor }): Promise<HostTensor> => {
      // Copies: cpu and webgl hand out the tensor's own cached array.
      const data = await n.tensor.data();
      const values = n.tensor.dtype === 'float32' ? Float32Array.from(data as Float32Array) : Int32Array.from(data as Int32Array);
      return { name: n.name, shape: [...n.tensor.shape], dtype: n.tensor.dtype === 'float32' ? 'float32' : 'int32', values };
    };
    const [weights, optimizerWeights] = await guard(Promise.all([Promise.all(modelWeights.map(read)), Promise.all(named.map(read))]));
    return {
      ...position,
      weights,
      optimizerWeights,
      ...(checkpointing.slots === 'restart' ? { optimizerRestart: checkpointing.reason } : {}),
    };
  } finally {
    // getWeights makes a fresh tensor for the iteration count; the rest are the optimizer's own.
    for (const n of named) if (!isVariable(n.tensor)) n.tensor.dispose();
  }
}

/**
 * Puts a checkpoint's weights into a freshly built `model` and `optimizer` of the same settings (on
 * whatever backend is active now). An optimizer whose slots restart keeps its fresh state. Leaves no
 * tensor behind beyond the variables it sets.
 */
export async function restoreCheckpoint(model: tf.LayersModel, optimizer: tf.Optimizer, checkpoint: TrainCheckpoint): Promise<void> {
  const toTensor = (h: HostTensor) => tf.tensor(h.values.slice(), [...h.shape], h.dtype);
  const weights = checkpoint.weights.map(toTensor);
  try {
    model.setWeights(weights);
  } finally {
    tf.dispose(weights);
  }
  if (checkpoint.optimizerWeights.length === 0 || optimizerCheckpointing(optimizer).slots !== 'weights') return;
  const named = checkpoint.optimizerWeights.map((h) => ({ name: h.name, tensor: toTensor(h) }));
  try {
    await optimizer.setWeights(named);
  } finally {
    // setWeights makes variables that share these tensors' data; the tensors themselves can go.
    tf.dispose(named.map((n) => n.tensor));
  }
}
