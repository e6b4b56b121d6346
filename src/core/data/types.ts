/**
 * In-memory image datasets as the parsers produce them: raw bytes, one image after another.
 * Pixels stay 0..255 (Uint8Array) until a batch is built, which keeps 60,000 MNIST images at 47 MB.
 */
export interface ImageSet {
  /** N × height × width × channels bytes, channels last (HWC), row-major. */
  readonly images: Uint8Array;
  /** N class indices. */
  readonly labels: Uint8Array;
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/** The official train/test split of one dataset. */
export interface DatasetSplit {
  readonly train: ImageSet;
  readonly test: ImageSet;
  readonly classNames: readonly string[];
}

/** A parser's complaint about its input, phrased for the user. */
export class DataFormatError extends Error {
  override readonly name = 'DataFormatError';
}

/** A selection of examples of one ImageSet. */
export interface Subset {
  readonly source: ImageSet;
  /** Example indices into `source`, in their fixed order. */
  readonly indices: Uint32Array;
  /** Per position of `indices`: 1 → the example is shown as its negative (1 − x). Absent: all positives. */
  readonly negated?: Uint8Array;
  /**
   * Labels to use instead of `source.labels`, indexed like them (by example, not by position): the
   * run's noisy training labels. Absent: the source's own labels.
   */
  readonly labels?: Uint8Array;
}
