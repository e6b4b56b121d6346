/**
 * Number formats shared by the metric cards and the charts, so one quantity never reads two ways.
 */

/** A fraction as a percentage with two decimals; "–" when there is none. */
export const fmtPct = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(2)}%`);

/** A loss with four decimals (exponent form once it is huge); "–" when there is none. */
export const fmtLoss = (v: number | undefined) =>
  v === undefined || !Number.isFinite(v) ? '–' : v >= 1e5 ? v.toExponential(3).replace('e+', 'e') : v.toFixed(4);

/** A learning rate (the core's format, shared with the verdicts' sentences). */
export { fmtRate } from '../core/format';
