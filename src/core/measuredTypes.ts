/** The shape of what `npm run experiments` measured per preset (presetResults.ts holds the data; measured.ts the lookup). */
export interface MeasuredMetric {
  readonly label: string;
  /** Null when no run has this number (e.g. labels kept at ε = 0). */
  readonly mean: number | null;
  /** Sample standard deviation over the seeds (0 for one run). */
  readonly std: number | null;
  /** Runs (seeds) the mean is over. */
  readonly n: number;
}

export interface MeasuredVariant {
  /** The settings the runs used, as the address query: numbers are shown only while it still matches. */
  readonly query: string;
  readonly metrics: readonly MeasuredMetric[];
}

export interface MeasuredCheck {
  readonly claim: string;
  readonly holds: boolean;
  readonly measured: string;
}

export interface MeasuredPreset {
  /** Test images evaluated (the first n of the official test set). */
  readonly testImages: number;
  readonly variants: Readonly<Record<string, MeasuredVariant>>;
  /** The course's claims checked on these numbers. */
  readonly checks: readonly MeasuredCheck[];
}

export interface ResultsInfo {
  /** When the report was written (ISO time), and in which mode. */
  readonly generated: string;
  readonly mode: 'full' | 'quick';
  /** Where the report is, relative to the app's page. */
  readonly reportPath: string;
}
